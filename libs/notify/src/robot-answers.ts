import { type DeliveryResult, retryableHttpStatus, truncateAnswer } from './delivery-result';

/**
 * How each group robot says yes or no. They answer HTTP 200 for most refusals and put the verdict in the body:
 * DingTalk and WeCom `{ errcode, errmsg }`, Feishu `{ code, msg }` (older bots `{ StatusCode, StatusMessage }`).
 */
export type RobotPlatform = 'dingtalk' | 'feishu' | 'wecom';

/**
 * Codes that mean "not now" rather than "never": DingTalk 130101 (more than 20 messages a minute) and -1 (system
 * busy); Feishu 11232 (frequency limited); WeCom 45009 (api freq out of limit) and -1 (system busy). Every other
 * code (bad signature 310000 / 19021, bad token, bad body) is a refusal the same request cannot cure.
 */
const RETRYABLE_CODES: Readonly<Record<RobotPlatform, readonly number[]>> = {
  dingtalk: [130101, -1],
  feishu: [11232],
  wecom: [45009, -1],
};

export function robotResult(platform: RobotPlatform, status: number, body: string): DeliveryResult {
  const answer = truncateAnswer(body);
  if (status < 200 || status > 299) return { ok: false, status, providerAnswer: answer, retryable: retryableHttpStatus(status) };
  const code = robotCode(platform, body);
  if (code === undefined) return { ok: false, status, providerAnswer: answer === '' ? '(empty answer: not a robot endpoint?)' : answer, retryable: false };
  return { ok: code === 0, status, providerAnswer: answer, retryable: code !== 0 && RETRYABLE_CODES[platform].includes(code) };
}

function robotCode(platform: RobotPlatform, body: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const fields = parsed as Record<string, unknown>;
  const code = platform === 'feishu' ? (fields.code ?? fields.StatusCode) : fields.errcode;
  return typeof code === 'number' ? code : undefined;
}
