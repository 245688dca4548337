import { LineSink, LineSinkWriteError } from '@hub/influx';
import { LineBuffer, StringLineList } from './line-buffer';
import { writeOrBisect } from './write-or-bisect';

const filled = (lines: readonly string[], expectedBytes?: number): LineBuffer => {
  const buffer = new LineBuffer(expectedBytes);
  for (const line of lines) buffer.push(line);
  return buffer;
};

describe('LineBuffer', () => {
  const lines = [
    'water,device_id=w-1 ph=7.1 1000',
    // Tag values from the device registry may be any UTF-8: 2-, 3- and 4-byte characters.
    'power,device_id=p-1,town=Zürich,site=Ωmega\\ 東京 voltage_v=230.5 1001',
    'gas,device_id=g-1,site=🚒\\ depot methane_pct_lel=0 1002',
    'heat,device_id=h-1 supply_temp_c=-0.5 1003',
  ];

  it('gives back each line, any range of lines and all of them exactly as pushed', () => {
    const buffer = filled(lines);
    expect(buffer.count).toBe(4);
    expect(lines.map((_, index) => buffer.line(index))).toEqual(lines);
    expect(buffer.body()).toBe(lines.join('\n'));
    expect(buffer.body(1, 3)).toBe(lines.slice(1, 3).join('\n'));
    expect(buffer.body(3, 4)).toBe(lines[3]);
    expect(buffer.body(2, 2)).toBe('');
  });

  it('holds the UTF-8 bytes of the newline-joined lines, with no newline after the last', () => {
    const buffer = filled(lines);
    const expected = Buffer.from(lines.join('\n'), 'utf8');
    expect(buffer.payload().equals(expected)).toBe(true);
    expect(buffer.byteLength).toBe(expected.length);
    expect(buffer.payload(1, 2).equals(Buffer.from(lines[1], 'utf8'))).toBe(true);
    expect(new LineBuffer().byteLength).toBe(0);
    expect(new LineBuffer().payload()).toHaveLength(0);
  });

  it('grows past its first size, for many lines and for one line longer than it', () => {
    const many = Array.from({ length: 5000 }, (_, index) => `traffic,device_id=t-${index} vehicles_per_min=${index} ${1_700_000_000_000 + index}`);
    const buffer = filled(many, 16);
    expect(buffer.body()).toBe(many.join('\n'));
    expect(buffer.line(4321)).toBe(many[4321]);
    const long = `water,device_id=w-1,site=${'é'.repeat(10_000)} ph=7 1`;
    const single = filled(['a v=1 1', long, 'b v=2 2'], 16);
    expect(single.line(1)).toBe(long);
    expect(single.line(2)).toBe('b v=2 2');
  });

  it('encodes a lone surrogate as U+FFFD, as every UTF-8 encoder does, without shifting later lines', () => {
    const buffer = filled(['a,site=x\uD800y v=1 1', 'b v=2 2']);
    expect(buffer.line(0)).toBe('a,site=x\uFFFDy v=1 1');
    expect(buffer.line(1)).toBe('b v=2 2');
  });
});

describe('StringLineList', () => {
  it('joins any range of its lines', () => {
    const list = new StringLineList(['a', 'b', 'c']);
    expect(list.count).toBe(3);
    expect(list.body(0, 3)).toBe('a\nb\nc');
    expect(list.body(1, 3)).toBe('b\nc');
    expect(list.line(2)).toBe('c');
  });
});

/** Refuses (400) any body holding a refused line, as InfluxDB does for a field type conflict; counts requests. */
class RefusingSink implements LineSink {
  readonly kind = 'refusing';
  readonly bodies: string[] = [];
  constructor(private readonly refused: ReadonlySet<string>) {}
  async prepare(): Promise<void> {}
  async ping(): Promise<void> {}
  async write(body: string): Promise<void> {
    this.bodies.push(body);
    if (body.split('\n').some((line) => this.refused.has(line))) throw new LineSinkWriteError('refused', false, 400, 'field type conflict');
  }
}

describe('writeOrBisect over a LineBuffer', () => {
  const lines = Array.from({ length: 8 }, (_, index) => `water,device_id=w-${index} ph=7 ${index}`);

  it('writes everything in one body when nothing is refused', async () => {
    const sink = new RefusingSink(new Set());
    expect(await writeOrBisect(sink, filled(lines))).toEqual({ written: 8, refused: [] });
    expect(sink.bodies).toEqual([lines.join('\n')]);
  });

  it('narrows a refused body down to the refused lines, reporting their indexes', async () => {
    const sink = new RefusingSink(new Set([lines[2], lines[7]]));
    const outcome = await writeOrBisect(sink, filled(lines));
    expect(outcome.written).toBe(6);
    expect(outcome.refused.map(({ index }) => index)).toEqual([2, 7]);
    expect(outcome.refused[0].error.serverMessage).toBe('field type conflict');
    // Whole body, halves, quarters, then single lines only where a refused line still is.
    expect(sink.bodies).toEqual([
      lines.join('\n'),
      lines.slice(0, 4).join('\n'),
      lines.slice(0, 2).join('\n'),
      lines.slice(2, 4).join('\n'),
      lines[2],
      lines[3],
      lines.slice(4, 8).join('\n'),
      lines.slice(4, 6).join('\n'),
      lines.slice(6, 8).join('\n'),
      lines[6],
      lines[7],
    ]);
  });
});
