import { BadRequestException, Controller, HttpCode, HttpException, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { type Principal, scopeCovers } from '@hub/access';
import type { IngestAnswer } from '@hub/api-types';
import { adaptThingsStackMessage } from '@hub/decoders';
import { UplinkIngestService } from '@hub/pipeline';
import { CurrentPrincipal, RequiresRole } from '../access/access.decorators';
import { RETRY_AFTER_S } from './http-ingest.handler';
import { readRequestBytes } from './request-bytes';

/** A The Things Stack message is a few KB (an uplink with metadata of a dozen gateways); this is far above any. */
const MAX_WEBHOOK_BYTES = 256 * 1024;

/**
 * The Things Stack v3 webhook integration: its application server pushes each message (uplink, join accept, downlink
 * events) as JSON to `{base URL}/{path}`; set the base URL to https://<hub>/api/lorawan/things-stack and, under
 * "Additional headers", `Authorization: Bearer <an operator API key>`. Uplinks find their device by DevEUI and
 * are decoded by its profile like any other payload; the answer comes once what the message held is durable, so a
 * 503 (nothing taken) is safe for the network server to send again.
 */
@ApiTags('ingest')
@RequiresRole('operator')
@Controller('api/lorawan/things-stack')
export class ThingsStackWebhookController {
  constructor(private readonly uplinks: UplinkIngestService) {}

  @Post(':message')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A The Things Stack v3 webhook message (uplink_message, join_accept, downlink_*): uplinks become readings of the device with that DevEUI, decoded by its profile; ' +
      'other messages are acknowledged. Answered once durable. Authorization: Bearer <operator API key>, whose towns and domains bound the devices it may write for.',
  })
  @ApiParam({ name: 'message', description: 'The path TTS appends per message type (e.g. uplink, join); the body says which message it is' })
  @ApiBody({ description: 'The Things Stack application message, as its webhook sends it', schema: { type: 'object' } })
  @ApiResponse({ status: 200, description: '{ accepted, duplicates, refused: [{ reason, detail }] }: what became of it, durable' })
  @ApiResponse({ status: 503, description: 'Nothing taken (shutting down, memory full): send again' })
  async take(@Param('message') message: string, @CurrentPrincipal() principal: Principal, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<IngestAnswer> {
    const body = await readRequestBytes(request, MAX_WEBHOOK_BYTES);
    if ('cutOff' in body) throw new BadRequestException('Request body was cut off before its end; nothing was taken');
    if ('tooLarge' in body) throw new HttpException(`A The Things Stack message is at most ${MAX_WEBHOOK_BYTES} bytes here`, HttpStatus.PAYLOAD_TOO_LARGE);
    const event = adaptThingsStackMessage(body.bytes, { arrivedAt: new Date() });
    const topic = `things-stack/${message.slice(0, 64)}`;
    let durable: (error?: Error | null) => void = () => undefined;
    const settled = new Promise<Error | null>((resolve) => (durable = (error) => resolve(error ?? null)));
    const receipt = await this.uplinks.take(`things-stack:${principal.name}`, topic, body.bytes, event, durable, (device) => scopeCovers(principal.scope, device));
    const error = await settled;
    if (error !== null) {
      response.setHeader('Retry-After', String(RETRY_AFTER_S));
      throw new HttpException({ statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: `Not taken, send again in ${RETRY_AFTER_S} s: ${error.message}` }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { accepted: receipt.accepted, duplicates: receipt.duplicates, refused: receipt.refused.map(({ reason, detail }) => ({ reason, message: detail, index: null })) };
  }
}
