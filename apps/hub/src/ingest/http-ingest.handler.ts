import { BadRequestException, HttpException, HttpStatus, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';
import { quoted } from '@hub/common';
import { HttpAnswer, HttpIngestService, ingestAnswer } from '@hub/pipeline';
import type { AdmittedDevice } from './device-login.guard';
import { readRequestBytes } from './request-bytes';
import { DeviceRegistryService } from '@hub/devices';
import { type BodyHeaders, contentTypeProblem, JSON_MEDIA_TYPE } from '../http/request-shape';

/** Seconds a client is asked to wait after a 503 (memory full, shutting down) or a 429 (login back-off). */
export const RETRY_AFTER_S = 5;

/**
 * One POST of readings, from its body to its answer: refused unread when the writer cannot take more (503) or the
 * body is over HUB_MAX_PAYLOAD_BYTES (413, dead-lettered), otherwise taken by the pipeline and answered once durable.
 */
@Injectable()
export class HttpIngestHandler {
  constructor(
    private readonly ingest: HttpIngestService,
    private readonly registry: DeviceRegistryService,
  ) {}

  async handle(request: Request, login: AdmittedDevice, domain: string, deviceId: string): Promise<HttpAnswer> {
    checkEncoding(request);
    // The route takes text and bytes (a vendor's hex string, a binary frame) only for a device whose profile decodes
    // them; a device on the contract sends JSON, and anything else is a 415 before its body is read.
    const mediaTypeProblem = contentTypeProblem(bodyHeaders(request), this.registry.find(deviceId)?.profileId == null ? [JSON_MEDIA_TYPE] : PROFILED_MEDIA_TYPES);
    if (mediaTypeProblem !== undefined) throw new UnsupportedMediaTypeException(mediaTypeProblem);
    if (!this.ingest.acceptsMore) throw busy('the service holds as many readings in memory as it may (InfluxDB and the outage spool cannot take more now)');
    const post = { login, domain, deviceId };
    const body = await readRequestBytes(request, this.ingest.maxPayloadBytes);
    if ('cutOff' in body) throw new BadRequestException('Request body was cut off before its end; nothing was taken');
    const outcome = 'tooLarge' in body ? await this.ingest.refuseOversized(post, body.declared) : await this.ingest.post({ ...post, payload: body.bytes });
    if (outcome.kind === 'busy') throw busy(outcome.reason);
    return ingestAnswer(outcome);
  }
}

/** What a device with a profile may post: its vendor's JSON, hex or base64 text, or raw bytes. */
export const PROFILED_MEDIA_TYPES = [JSON_MEDIA_TYPE, 'text/plain', 'application/octet-stream'];

function bodyHeaders(request: Request): BodyHeaders {
  return { contentType: request.headers['content-type'], contentLength: request.headers['content-length'], transferEncoding: request.headers['transfer-encoding'] };
}

/** Nothing was taken: the client should send the same request again later. */
function busy(reason: string): HttpException {
  return new HttpException({ statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: `Not taken, send again in ${RETRY_AFTER_S} s: ${reason}`, retryAfter: RETRY_AFTER_S }, HttpStatus.SERVICE_UNAVAILABLE);
}

/** The body is validated as the bytes the device sent: UTF-8 (RFC 8259 §8.1), uncompressed. */
function checkEncoding(request: Request): void {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new UnsupportedMediaTypeException(`Content-Encoding ${quoted(encoding)} is not accepted here; send the readings uncompressed`);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !['utf-8', 'utf8'].includes(charset.toLowerCase())) {
    throw new UnsupportedMediaTypeException(`Request body charset ${quoted(charset)} is not supported; send UTF-8 JSON`);
  }
}
