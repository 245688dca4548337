/** Server-sent events (text/event-stream) read from a fetch response, for tests of /api/events. */
export interface SseEvent {
  readonly type: string;
  readonly id?: string;
  readonly retry?: number;
  readonly data: unknown;
}

/** Reads text/event-stream from a fetch response, one event at a time. */
export class SseReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** The next event that is not a comment; undefined when the stream ended. */
  async next(timeoutMs = 15_000): Promise<SseEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end !== -1) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event = parse(block);
        if (event) return event;
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no event within ${timeoutMs} ms; buffered: ${JSON.stringify(this.buffer)}`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), remaining))),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) return undefined;
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  /** Skips events of other types (and devices or alerts of other tests) until `match` holds. */
  async until(match: (event: SseEvent) => boolean, timeoutMs = 15_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.next(Math.max(deadline - Date.now(), 1));
      if (event === undefined) throw new Error('stream ended');
      if (match(event)) return event;
    }
  }
}

function parse(block: string): SseEvent | undefined {
  let type = 'message';
  let id: string | undefined;
  let retry: number | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const [field, ...rest] = line.split(':');
    const value = rest.join(':').replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'id') id = value;
    else if (field === 'retry') retry = Number(value);
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0 && retry === undefined) return undefined;
  return { type, id, retry, data: data.length > 0 ? JSON.parse(data.join('\n')) : undefined };
}
