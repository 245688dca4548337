import type jsonata from 'jsonata';
import { applyMapping } from './apply-mapping';

/** A JSONata expression that answers with JSONata's own timeout error the first `timeouts` times, then `value`. */
function kept(timeouts: number, value: unknown): jsonata.Expression & { calls: number } {
  const expression = {
    calls: 0,
    evaluate: async () => {
      expression.calls++;
      if (expression.calls <= timeouts) throw Object.assign(new Error('Expression evaluation timeout: Check for infinite loop'), { code: 'D1012' });
      return value;
    },
  };
  return expression as unknown as jsonata.Expression & { calls: number };
}

describe('applyMapping and JSONata’s wall-clock time limit', () => {
  it('tries an expression that timed out once more, so a busy process does not refuse a good reading', async () => {
    const expr = kept(1, 4.2);
    expect(await applyMapping({ metrics: [{ name: 'flow_m3h', source: 'flow', expr, scale: 1, offset: 0 }] }, {})).toEqual({ readings: [{ metrics: { flow_m3h: 4.2 } }], warnings: [] });
    expect(expr.calls).toBe(2);
  });

  it('refuses an expression that times out twice, naming the metric', async () => {
    const expr = kept(2, 4.2);
    const refused = await applyMapping({ metrics: [{ name: 'flow_m3h', source: 'flow', expr, scale: 1, offset: 0 }] }, {});
    expect(refused).toMatchObject({ reason: 'DECODER_TIMEOUT' });
    expect((refused as { detail: string }).detail.startsWith('flow_m3h ← flow: ')).toBe(true);
    expect(expr.calls).toBe(2);
  });
});
