import type { Request } from 'express';

/** The body, or that it is over the limit (`declared`: its Content-Length, null when it only showed while arriving). */
export type RequestBytes = { readonly bytes: Buffer } | { readonly tooLarge: true; readonly declared: number | null };

/**
 * The raw bytes of a request body, at most `maxBytes`: a device's payload is validated as the bytes it sent (the
 * contract refuses a byte order mark, invalid UTF-8 or duplicate keys that a JSON body parser would hide). A declared
 * length over the limit is refused before anything is read, as the broker refuses an oversize MQTT packet by its
 * header; an undeclared one as soon as it passes the limit. The rest is drained so the answer can be sent.
 */
export function readRequestBytes(request: Request, maxBytes: number): Promise<RequestBytes> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) {
    request.resume();
    return Promise.resolve({ tooLarge: true, declared });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        request.off('data', onData);
        request.resume();
        resolve({ tooLarge: true, declared: null });
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('error', reject);
    request.once('end', () => {
      if (size <= maxBytes) resolve({ bytes: Buffer.concat(chunks, size) });
    });
  });
}
