import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The body of a non-JSON request (a CSV upload) as UTF-8 text, refused with 413 beyond `maxBytes` (by its declared
 * length before reading, or as it arrives) and with 400 when it is not UTF-8 — a spreadsheet saved in a legacy code
 * page would otherwise import mangled town names.
 */
export function readRequestText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        request.off('data', onData);
        request.resume(); // let the rest drain so the 413 can be sent
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('error', reject);
    request.once('end', () => {
      if (size > maxBytes) return;
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        reject(new BadRequestException('The body is not UTF-8 text: save the spreadsheet as "CSV UTF-8"'));
      }
    });
  });
}

function tooLarge(maxBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(`The body is larger than ${maxBytes} bytes: split the file`);
}
