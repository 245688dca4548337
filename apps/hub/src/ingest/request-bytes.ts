import type { Request } from 'express';

/**
 * The body; that it is over the limit (`declared`: its Content-Length, null when it only showed while arriving);
 * or that the client went away before its end.
 */
export type RequestBytes = { readonly bytes: Buffer } | { readonly tooLarge: true; readonly declared: number | null } | { readonly cutOff: true };

/**
 * The raw bytes of a request body, at most `maxBytes`: a device's payload is validated as the bytes it sent (the
 * contract refuses a byte order mark, invalid UTF-8 or duplicate keys that a JSON body parser would hide). A declared
 * length over the limit is refused before anything is read, as the broker refuses an oversize MQTT packet by its
 * header; an undeclared one as soon as it passes the limit. Either way the connection is closed after the answer
 * rather than the rest of the body read.
 */
export function readRequestBytes(request: Request, maxBytes: number): Promise<RequestBytes> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return Promise.resolve(tooLarge(request, declared));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Settles once: after a refusal the stream goes on emitting (the rest of the body, its end, its close) while or
    // after the answer is sent, and none of that may touch the answer again.
    const settle = (outcome: RequestBytes): void => {
      request.off('data', onData).off('end', onEnd).off('error', onCutOff).off('close', onCutOff);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) settle(tooLarge(request, null));
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle({ bytes: Buffer.concat(chunks, size) });
    const onCutOff = (): void => settle({ cutOff: true });
    request.on('data', onData).once('end', onEnd).once('error', onCutOff).once('close', onCutOff);
  });
}

function tooLarge(request: Request, declared: number | null): RequestBytes {
  // Node would otherwise read (and drop) the rest of the body to keep the connection: up to any size a client sends.
  if (request.res !== undefined && !request.res.headersSent) request.res.setHeader('Connection', 'close');
  return { tooLarge: true, declared };
}
