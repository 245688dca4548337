import { createHmac } from 'node:crypto';
import { dingTalkSign, feishuSign, webhookSignature } from './signatures';

describe('contact point signatures', () => {
  it('DingTalk: Base64 HMAC-SHA256 keyed with the secret over "timestamp\\nsecret", URL-encoded', () => {
    // The vector of the dingding crate's own test (docs.rs/crate/dingding, src/signature.rs), computed by another hand.
    expect(dingTalkSign(1_700_000_000_000, 'secret')).toBe('OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D');
    const secret = 'SEC0123456789abcdef';
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(`1764201600000\n${secret}`, 'utf8')).digest('base64');
    expect(decodeURIComponent(dingTalkSign(1_764_201_600_000, secret))).toBe(expected);
    expect(dingTalkSign(1_764_201_600_000, secret)).not.toMatch(/[+/=]/);
  });

  it('Feishu: Base64 HMAC-SHA256 keyed with "timestamp\\nsecret" over an empty message (timestamp in seconds)', () => {
    const expected = createHmac('sha256', Buffer.from('1764201600\nfeishu-secret', 'utf8')).digest('base64');
    expect(feishuSign(1_764_201_600, 'feishu-secret')).toBe(expected);
    expect(feishuSign(1_764_201_600, 'feishu-secret')).not.toBe(createHmac('sha256', 'feishu-secret').update('1764201600\nfeishu-secret').digest('base64'));
  });

  it('webhook: sha256= hex HMAC-SHA256 keyed with the secret over "{timestamp}.{body}"', () => {
    const body = '{"event":"fired","alert":{"id":7}}';
    const expected = createHmac('sha256', 'hook-secret').update(Buffer.from(`1764201600.${body}`, 'utf8')).digest('hex');
    expect(webhookSignature(1_764_201_600, body, 'hook-secret')).toBe(`sha256=${expected}`);
    expect(webhookSignature(1_764_201_601, body, 'hook-secret')).not.toBe(`sha256=${expected}`);
  });
});
