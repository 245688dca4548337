import { canonicalJson, parseCommandReply, parseReportedConfig } from './device-report.parser';

const reply = (value: unknown) => parseCommandReply(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));
const refused = (detail: string) => ({ ok: false, refusal: { reason: 'COMMAND_REPLY_INVALID', detail } });

describe('command reply parsing', () => {
  it('reads ok and error replies, and status in place of ok', () => {
    expect(reply({ id: 'c-1', ok: true, result: { intervalS: 10 } })).toEqual({ ok: true, value: { id: 'c-1', ok: true, result: { intervalS: 10 } } });
    expect(reply({ id: 'c-1', ok: true })).toEqual({ ok: true, value: { id: 'c-1', ok: true, result: null } });
    expect(reply({ id: 'c-1', ok: false, error: 'busy' })).toEqual({ ok: true, value: { id: 'c-1', ok: false, error: 'busy' } });
    expect(reply({ id: 'c-1', status: 'succeeded', result: 3 })).toEqual({ ok: true, value: { id: 'c-1', ok: true, result: 3 } });
    expect(reply({ id: 'c-1', status: 'failed', error: 'no' })).toEqual({ ok: true, value: { id: 'c-1', ok: false, error: 'no' } });
  });

  it('cuts a long error text', () => {
    expect(reply({ id: 'c-1', ok: false, error: 'e'.repeat(1500) })).toEqual({ ok: true, value: { id: 'c-1', ok: false, error: `${'e'.repeat(1000)}…` } });
  });

  it.each([
    ['', 'not a JSON object of at most 16384 bytes'],
    ['{"id":', 'not a JSON object of at most 16384 bytes'],
    [`{"id":"c-1","ok":true,"result":"${'x'.repeat(17_000)}"}`, 'not a JSON object of at most 16384 bytes'],
    ['[1]', 'not a JSON object'],
    ['"ok"', 'not a JSON object'],
    [{ id: 'c-1', ok: true, extra: 1 }, 'unknown field "extra"; allowed: id, ok (or status), result, error'],
    [{ ok: true }, '"id" must be the command id the hub sent'],
    [{ id: 'has space', ok: true }, '"id" must be the command id the hub sent'],
    [{ id: 'c-1' }, 'needs "ok": true|false (or "status": "succeeded"|"failed"), not both'],
    [{ id: 'c-1', ok: true, status: 'succeeded' }, 'needs "ok": true|false (or "status": "succeeded"|"failed"), not both'],
    [{ id: 'c-1', status: 'done' }, 'needs "ok": true|false (or "status": "succeeded"|"failed"), not both'],
    [{ id: 'c-1', ok: true, error: 'x' }, 'a successful reply carries "result", not "error"'],
    [{ id: 'c-1', ok: false }, 'a failed reply needs "error": a non-empty text'],
    [{ id: 'c-1', ok: false, error: '  ' }, 'a failed reply needs "error": a non-empty text'],
    [{ id: 'c-1', ok: false, error: 'x', result: 1 }, 'a failed reply carries "error", not "result"'],
  ])('refuses %j: %s', (payload, detail) => {
    expect(reply(payload)).toEqual(refused(detail));
  });

  it('refuses bytes that are not UTF-8 without throwing', () => {
    expect(parseCommandReply(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).toEqual(refused('not a JSON object of at most 16384 bytes'));
  });
});

describe('reported config parsing and comparison', () => {
  it('takes a JSON object and refuses anything else', () => {
    expect(parseReportedConfig(Buffer.from('{"intervalS":30}'))).toEqual({ ok: true, value: { intervalS: 30 } });
    for (const payload of ['[]', 'null', '30', 'x', '']) {
      expect(parseReportedConfig(Buffer.from(payload))).toEqual({ ok: false, refusal: { reason: 'CONFIG_REPORT_INVALID', detail: 'not a JSON object of at most 16384 bytes' } });
    }
  });

  it('compares configs whatever the order of their keys, at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"x":0,"y":1}]},"b":1}');
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});
