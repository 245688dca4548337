import { InfluxQueryError, seriesOfChunkedAnswer, type InfluxSeries } from './influx-query.client';

/** A chunked /query answer as InfluxDB 1.6.7 sent it (captured with chunk_size=2): one JSON document per line. */
const ANSWER = [
  '{"results":[{"statement_id":0,"series":[{"name":"water","tags":{"device_id":"a","site":"","town":"城关镇","village":"东街"},"columns":["time","flow_m3h","pressure_kpa"],"values":[[1000,1,300],[2000,2,null]],"partial":true}],"partial":true}]}',
  '{"results":[{"statement_id":0,"series":[{"name":"water","tags":{"device_id":"a","site":"","town":"城关镇","village":"东街"},"columns":["time","flow_m3h","pressure_kpa"],"values":[[3000,2.5,null]]}],"partial":true}]}',
  '{"results":[{"statement_id":0,"series":[{"name":"water","tags":{"device_id":"c","site":"x","town":"","village":""},"columns":["time","flow_m3h","pressure_kpa"],"values":[[1600,4,null]]}]}]}',
].join('\n') + '\n';

async function* pieces(text: string, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  for (let index = 0; at < bytes.length; index++) {
    const size = sizes[index % sizes.length];
    // A fresh buffer each time, then overwritten after it was handed on: the reader must not keep a view of it.
    const piece = Buffer.from(bytes.subarray(at, at + size));
    yield piece;
    piece.fill(0x20);
    at += size;
  }
}

async function collect(source: AsyncIterable<InfluxSeries>): Promise<InfluxSeries[]> {
  const all: InfluxSeries[] = [];
  for await (const series of source) all.push(series);
  return all;
}

describe('seriesOfChunkedAnswer (chunked=true paging)', () => {
  const expected: InfluxSeries[] = [
    { name: 'water', tags: { device_id: 'a', site: '', town: '城关镇', village: '东街' }, columns: ['time', 'flow_m3h', 'pressure_kpa'], values: [[1000, 1, 300], [2000, 2, null]] },
    { name: 'water', tags: { device_id: 'a', site: '', town: '城关镇', village: '东街' }, columns: ['time', 'flow_m3h', 'pressure_kpa'], values: [[3000, 2.5, null]] },
    { name: 'water', tags: { device_id: 'c', site: 'x', town: '', village: '' }, columns: ['time', 'flow_m3h', 'pressure_kpa'], values: [[1600, 4, null]] },
  ];

  it.each([
    ['the whole answer at once', [1 << 20]],
    ['one byte at a time (lines and UTF-8 sequences of 城关镇 cut anywhere)', [1]],
    ['pieces of odd sizes', [7, 130, 3, 500]],
  ])('yields every piece of every series in order, read from %s', async (_name, sizes) => {
    expect(await collect(seriesOfChunkedAnswer(pieces(ANSWER, sizes)))).toEqual(expected);
  });

  it('reads an answer without a final newline, and one of a server that ignored chunked (one document)', async () => {
    expect(await collect(seriesOfChunkedAnswer(pieces(ANSWER.trimEnd(), [64])))).toEqual(expected);
    const whole = '{"results":[{"statement_id":0,"series":[{"name":"gas","columns":["time","ch4"],"values":[[1,0.5]]}]}]}';
    expect(await collect(seriesOfChunkedAnswer(pieces(whole, [10])))).toEqual([{ name: 'gas', columns: ['time', 'ch4'], values: [[1, 0.5]] }]);
  });

  it('yields nothing for an answer without series', async () => {
    expect(await collect(seriesOfChunkedAnswer(pieces('{"results":[{"statement_id":0}]}\n', [5])))).toEqual([]);
  });

  it('throws the server’s error when a statement fails midway, after the pieces before it', async () => {
    const failing = `${ANSWER.split('\n')[0]}\n{"results":[{"statement_id":0,"error":"max-select-point limit exceeded: (10000/10000)"}]}\n`;
    const seen: InfluxSeries[] = [];
    await expect(
      (async () => {
        for await (const series of seriesOfChunkedAnswer(pieces(failing, [33]))) seen.push(series);
      })(),
    ).rejects.toThrow(new InfluxQueryError('statement 0 failed: max-select-point limit exceeded: (10000/10000)'));
    expect(seen).toEqual([expected[0]]);
  });

  it('throws on a line that is not JSON, quoting it', async () => {
    await expect(collect(seriesOfChunkedAnswer(pieces('<html>bad gateway</html>\n', [100])))).rejects.toThrow('InfluxDB answered a line that is not JSON: <html>bad gateway</html>');
  });

  it('pulls the body only as fast as its series are consumed', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for (const line of ANSWER.split('\n').filter((text) => text !== '')) {
        pulled++;
        yield Buffer.from(`${line}\n`);
      }
    }
    const series = seriesOfChunkedAnswer(counted());
    await series.next();
    expect(pulled).toBe(1);
    await series.next();
    expect(pulled).toBe(2);
    await series.return(undefined);
    expect(pulled).toBe(2);
  });
});
