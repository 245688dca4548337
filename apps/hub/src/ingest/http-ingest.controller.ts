import { Controller, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DOMAINS } from '@hub/contract';
import { PublicRoute } from '../access/access.decorators';
import { CurrentDevice, DeviceLoginGuard, type AdmittedDevice } from './device-login.guard';
import { HttpIngestHandler } from './http-ingest.handler';
import type { HttpAnswer } from './ingest-answer';
import { IngestAnswerDto } from './ingest-answer.dto';

const READINGS_EXAMPLE = [
  { ts: 1764201600000, seq: 17, metrics: { pressure_kpa: 412.5, flow_m3h: 120 } },
  { ts: 1764201660000, seq: 18, metrics: { pressure_kpa: 411.9, flow_m3h: 118 } },
];

/**
 * Telemetry over HTTP for devices that cannot hold an MQTT connection. The path mirrors the MQTT topic
 * `sensors/{domain}/{deviceId}/telemetry`, so a device's configuration carries over and the topic ACL applies as it is.
 * Authenticated by the device's own secret, not by an operator or API key (hence @PublicRoute for the access guard).
 */
@ApiTags('ingest')
@PublicRoute()
@Controller('api/ingest')
export class HttpIngestController {
  constructor(private readonly handler: HttpIngestHandler) {}

  @Post(':domain/:deviceId')
  @HttpCode(200)
  @UseGuards(DeviceLoginGuard)
  @ApiOperation({
    summary:
      'A device posts its readings: one reading object or a JSON array of them, exactly the MQTT telemetry payload. Answered once every reading is in InfluxDB, ' +
      'the fsync\'d outage spool or the dead-letter store (what a QoS 1 PUBACK promises). Authorization: Bearer <device secret> or Basic <device id>:<secret>.',
  })
  @ApiSecurity('device-secret')
  @ApiParam({ name: 'domain', enum: DOMAINS })
  @ApiParam({ name: 'deviceId', description: 'The device the readings are for: [A-Za-z0-9_-]{1,64}' })
  @ApiBody({ description: 'The telemetry payload of docs/contract.md', schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }], example: READINGS_EXAMPLE } })
  @ApiResponse({ status: 200, type: IngestAnswerDto, description: 'At least one reading stored (or known as a resend); the refused ones are listed with their reason' })
  @ApiResponse({ status: 202, type: IngestAnswerDto, description: 'Quarantined device: held as DEVICE_QUARANTINED dead letters until an operator approves it' })
  @ApiResponse({ status: 400, description: 'Body is not JSON the contract can read (MALFORMED_JSON, NESTING_TOO_DEEP, DUPLICATE_KEY), dead-lettered; entries as for 200' })
  @ApiResponse({ status: 401, description: 'No, a malformed or a wrong credential (WWW-Authenticate: Basic, Bearer)' })
  @ApiResponse({ status: 403, description: 'A valid credential that may not send (disabled, rejected), or readings for another device or domain (TOPIC_FORBIDDEN, dead-lettered)' })
  @ApiResponse({ status: 413, description: 'Body over HUB_MAX_PAYLOAD_BYTES (PAYLOAD_TOO_LARGE, dead-lettered without its body)' })
  @ApiResponse({ status: 415, description: 'Not application/json, not UTF-8, or compressed' })
  @ApiResponse({ status: 422, description: 'JSON, but no reading in it was valid; each refusal with its index, reason and message' })
  @ApiResponse({ status: 429, description: 'Too many refused logins from this address (shared with MQTT); Retry-After' })
  @ApiResponse({ status: 503, description: 'Nothing taken: memory full (InfluxDB and the spool cannot take more), or shutting down; Retry-After' })
  async post(@Param('domain') domain: string, @Param('deviceId') deviceId: string, @CurrentDevice() device: AdmittedDevice, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<HttpAnswer['body']> {
    const answer = await this.handler.handle(request, device, domain, deviceId);
    response.status(answer.status);
    return answer.body;
  }
}
