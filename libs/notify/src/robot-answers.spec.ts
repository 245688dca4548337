import { robotResult } from './robot-answers';

describe('robotResult', () => {
  it.each([
    ['dingtalk', 200, '{"errcode":0,"errmsg":"ok"}', { ok: true, status: 200, providerAnswer: '{"errcode":0,"errmsg":"ok"}', retryable: false }],
    ['dingtalk', 200, '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}', { ok: false, status: 200, providerAnswer: '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}', retryable: true }],
    ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}', { ok: false, status: 200, providerAnswer: '{"errcode":310000,"errmsg":"sign not match"}', retryable: false }],
    ['feishu', 200, '{"code":0,"msg":"success","data":{}}', { ok: true, status: 200, providerAnswer: '{"code":0,"msg":"success","data":{}}', retryable: false }],
    ['feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}', { ok: true, status: 200, providerAnswer: '{"StatusCode":0,"StatusMessage":"success"}', retryable: false }],
    ['feishu', 200, '{"code":11232,"msg":"frequency limited"}', { ok: false, status: 200, providerAnswer: '{"code":11232,"msg":"frequency limited"}', retryable: true }],
    ['feishu', 200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}', { ok: false, status: 200, providerAnswer: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}', retryable: false }],
    ['wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', { ok: false, status: 200, providerAnswer: '{"errcode":45009,"errmsg":"api freq out of limit"}', retryable: true }],
    ['wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', { ok: false, status: 200, providerAnswer: '{"errcode":93000,"errmsg":"invalid webhook url"}', retryable: false }],
    ['wecom', 502, 'Bad Gateway', { ok: false, status: 502, providerAnswer: 'Bad Gateway', retryable: true }],
    ['wecom', 404, 'Not Found', { ok: false, status: 404, providerAnswer: 'Not Found', retryable: false }],
    ['dingtalk', 200, '<html>portal</html>', { ok: false, status: 200, providerAnswer: '<html>portal</html>', retryable: false }],
  ] as const)('%s %d %s', (platform, status, body, expected) => {
    expect(robotResult(platform, status, body)).toEqual(expected);
  });

  it('cuts a long answer to 500 characters', () => {
    expect(robotResult('dingtalk', 500, 'x'.repeat(2000)).providerAnswer).toBe(`${'x'.repeat(499)}…`);
  });
});
