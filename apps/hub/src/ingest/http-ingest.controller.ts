import { DOMAIN_API_DOC } from '../catalogue/domain-query.pipe';
import { applyDecorators, Controller, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiResponseOptions, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { INGEST_STATUSES, type HttpAnswer } from '@hub/pipeline';
import { PublicRoute } from '../access/access.decorators';
import { AcceptsBody } from '../http/request-shape.interceptor';
import { CurrentDevice, DeviceLoginGuard, type AdmittedDevice } from './device-login.guard';
import { HttpIngestHandler, PROFILED_MEDIA_TYPES } from './http-ingest.handler';
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
  // A device with a profile posts its vendor's payload: JSON, a hex or base64 string (NB-IoT platforms), raw bytes;
  // the handler narrows it to JSON for a device on the contract.
  @AcceptsBody(...PROFILED_MEDIA_TYPES)
  @ApiOperation({
    summary:
      'A device posts its readings: one reading object or a JSON array of them, exactly the MQTT telemetry payload — or, for a device with a profile, its vendor\'s payload (JSON, hex or base64 text, bytes). Answered once every reading is in InfluxDB, ' +
      'the fsync\'d outage spool or the dead-letter store (what a QoS 1 PUBACK promises). Authorization: Bearer <device secret> or Basic <device id>:<secret>.',
  })
  @ApiParam({ name: 'domain', ...DOMAIN_API_DOC })
  @ApiParam({ name: 'deviceId', description: 'The device the readings are for: [A-Za-z0-9_-]{1,64}' })
  @ApiBody({ description: 'The telemetry payload of docs/contract.md', schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }], example: READINGS_EXAMPLE } })
  @ApiResponses(INGEST_STATUSES.map(({ status, when }) => ({ status, description: when, ...(status === 200 || status === 202 ? { type: IngestAnswerDto } : {}) })))
  async post(@Param('domain') domain: string, @Param('deviceId') deviceId: string, @CurrentDevice() device: AdmittedDevice, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<HttpAnswer['body']> {
    const answer = await this.handler.handle(request, device, domain, deviceId);
    response.status(answer.status);
    return answer.body;
  }
}

/** One @ApiResponse per status of the table. */
function ApiResponses(responses: ApiResponseOptions[]): MethodDecorator {
  return applyDecorators(...responses.map((response) => ApiResponse(response)));
}
