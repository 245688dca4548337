import { alertMessageView, renderMessage } from './alert-message';
import { MESSAGE_LANGUAGES, withOverrides } from './message-templates';
import { sampleAlertChange } from './sample-alert';
import { templateProblems } from './template-check';
import { TEMPLATE_FIELD_NAMES } from './template-fields';

const { en, zh } = MESSAGE_LANGUAGES;
const FIELDS = TEMPLATE_FIELD_NAMES.join(', ');

describe('templateProblems', () => {
  it('accepts every shipped template and word of both languages', () => {
    for (const templates of [en, zh]) {
      for (const name of ['subject', 'text', 'html', 'markdownTitle', 'markdown', 'testPrefix', 'events.fired', 'severities.critical'] as const) {
        const body = name.startsWith('events.') ? templates.events.fired : name.startsWith('severities.') ? templates.severities.critical : templates[name as 'subject'];
        expect([templates.language, name, templateProblems(name, body, templates)]).toEqual([templates.language, name, []]);
      }
    }
  });

  it('reports a parse error with its offset as a line and column', () => {
    expect(templateProblems('text', 'Device {{deviceId}}\nTown: {{town', en)).toEqual(['is not a valid mustache template: Unclosed tag at 32 (line 2, column 13)']);
    expect(templateProblems('subject', '{{#town}}in {{town}}', en)).toEqual(['is not a valid mustache template: Unclosed section "town" at 20 (line 1, column 21)']);
    expect(templateProblems('subject', 'x {{/town}}', en)).toEqual(['is not a valid mustache template: Unopened section "town" at 2 (line 1, column 3)']);
  });

  it('refuses unknown fields, in sections too, listing the known ones', () => {
    expect(templateProblems('subject', '{{devise}} {{#twon}}{{town}}{{/twon}} {{devise}}', en)).toEqual([`uses unknown fields {{devise}}, {{twon}}; the fields are ${FIELDS}`]);
    expect(templateProblems('markdown', '{{#town}}{{.}} {{alert.id}}{{/town}}', en)).toEqual([`uses unknown field {{alert.id}}; the fields are ${FIELDS}`]);
    expect(templateProblems('text', '{{> footer}} {{deviceId}}', en)).toEqual(['must not use partials ({{> name}}): there are none']);
  });

  it('keeps the html template escaped and refuses what renders empty or is too long', () => {
    expect(templateProblems('html', '<p>{{{ruleName}}} {{&note}}</p>', en)).toEqual(['must not use {{{field}}} or {{&field}}: in HTML every field is escaped, since rule names and notes are typed by people']);
    expect(templateProblems('text', '{{{ruleName}}}', en)).toEqual([]);
    expect(templateProblems('subject', '{{#note}}{{note}}{{/note}}  ', en)).toEqual(['renders empty for the sample alert: a message needs some text']);
    expect(templateProblems('subject', 'x'.repeat(501), en)).toEqual(['must be at most 500 characters, got 501']);
    expect(templateProblems('markdown', 42, en)).toEqual(['must be a string, got number']);
  });

  it('takes words as one plain line', () => {
    expect(templateProblems('events.fired', '  ', zh)).toEqual(['must not be empty: events.fired is put into the messages']);
    expect(templateProblems('severities.critical', '严重\n', zh)).toEqual(['must be one line']);
    expect(templateProblems('testPrefix', '{{testPrefix}}', zh)).toEqual(['is put into the templates as it is, not rendered: it cannot use {{fields}}']);
  });
});

describe('rendering with overrides', () => {
  it('uses the overridden subject and words and keeps the other shipped texts', () => {
    const templates = withOverrides(zh, { subject: '{{testPrefix}}{{severity}}告警：{{deviceId}}在{{townOrNone}}', 'severities.critical': '一级', testPrefix: '[演练]' });
    const change = sampleAlertChange(Date.parse('2026-12-06T05:00:00Z'));
    const message = renderMessage(alertMessageView(change, 'https://hub.county.example', templates, true), templates);
    expect(message.subject).toBe('[演练]一级告警：test-device在Ashford');
    expect(message.markdownTitle).toBe('[演练]【一级】测试消息告警触发');
    expect(message.text).toContain('数值：1250 ppm\n');
    expect(zh.subject).toBe('{{testPrefix}}【{{severity}}】{{ruleName}}{{eventWords}}：{{deviceId}}{{#town}}（{{town}}）{{/town}}');
  });

  it('escapes the fields in html only', () => {
    const templates = withOverrides(en, { html: '<b>{{note}}</b>', text: '{{note}}' });
    const change = { ...sampleAlertChange(0), event: 'commented' as const, actor: 'alice', note: '<script>x</script> & "q"' };
    const message = renderMessage(alertMessageView(change, 'https://hub.county.example', templates, false), templates);
    expect(message.html).toBe('<b>&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;</b>');
    expect(message.text).toBe('<script>x</script> & "q"');
  });
});
