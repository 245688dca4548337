import { truncateBytes } from './contact-point.sender';

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
