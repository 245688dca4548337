import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContactPointSender, truncateBytes } from './contact-point.sender';
import { sampleAlertChange } from './sample-alert';

describe('truncateBytes', () => {
  it('keeps text within the limit as it is', () => {
    expect(truncateBytes('abc', 3)).toBe('abc');
  });

  it('cuts to at most the limit in UTF-8 bytes, never inside a character, and marks the cut', () => {
    const cut = truncateBytes('燃气泄漏'.repeat(1000), 4096);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(4096);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.slice(0, -1)).toBe('燃气泄漏'.repeat(1000).slice(0, cut.length - 1));
    expect(Buffer.byteLength(cut)).toBeGreaterThan(4090);
  });
});

describe('ContactPointSender.sendGroup', () => {
  /** A robot endpoint on 127.0.0.1 that keeps each body and answers DingTalk's "ok". */
  async function robot(): Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }> {
    const bodies: unknown[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/robot/send?access_token=t`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it('sends the changes of one group as ONE robot message: the first title with the count, each change in turn', async () => {
    const endpoint = await robot();
    try {
      const sender = new ContactPointSender({ publicUrl: 'https://hub.county.example', timeoutMs: 2000, now: () => 1_796_400_000_000 });
      const first = sampleAlertChange(1_796_400_000_000);
      const second = { ...first, alert: { ...first.alert, id: first.alert.id + 1, deviceId: 'gas-meter-2' } };
      const result = await sender.sendGroup({ name: 'gas-duty', language: null, kind: 'dingtalk', settings: { url: endpoint.url, secret: null } }, [first, second]);
      expect(result).toMatchObject({ ok: true });
      expect(endpoint.bodies).toHaveLength(1);
      const { markdown } = endpoint.bodies[0] as { markdown: { title: string; text: string } };
      expect(markdown.title.endsWith(' (+1 more)')).toBe(true);
      expect(markdown.text.split('\n\n---\n\n')).toHaveLength(2);
      expect(markdown.text).toContain(first.alert.deviceId);
      expect(markdown.text).toContain('gas-meter-2');
      expect(markdown.text).toContain(`https://hub.county.example/alerts/${first.alert.id + 1}`);
    } finally {
      await endpoint.close();
    }
  });
});
