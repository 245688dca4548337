import { useLanguageForTests } from '../../i18n/i18n.testing';
import { messagePieces } from './message-parts';

describe('messagePieces', () => {
  it('puts each element where the language puts it: after the words in English, inside the sentence in Chinese', () => {
    useLanguageForTests('en');
    expect(messagePieces('admin.networkServers.since', ['time'])).toEqual([{ text: 'since ' }, { part: 'time' }]);
    expect(messagePieces('admin.apiKeys.copyNow', ['name', 'header'])).toEqual([{ part: 'name' }, { text: ': copy this key now — it is not shown again. Send it as ' }, { part: 'header' }, { text: '.' }]);
    useLanguageForTests('zh-CN');
    expect(messagePieces('admin.networkServers.since', ['time'])).toEqual([{ text: '自 ' }, { part: 'time' }, { text: ' 起' }]);
    expect(messagePieces('admin.networkServers.help1', ['marshaler', 'qos', 'jsonSetting', 'qosSetting', 'section', 'file', 'readTopic', 'writeTopic']).filter((piece) => 'part' in piece)).toEqual(
      ['marshaler', 'qos', 'file', 'section', 'jsonSetting', 'qosSetting', 'readTopic', 'writeTopic'].map((part) => ({ part })),
    );
  });
});
