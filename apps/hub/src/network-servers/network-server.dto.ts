import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { BridgeStatus, NetworkServerView } from '@hub/lorawan';

/**
 * OpenAPI schemas of the network server API. Documentation only: bodies are validated by @hub/lorawan, which names
 * every bad field.
 */
export class NetworkServerTlsDto {
  @ApiPropertyOptional({ type: String, nullable: true, description: 'PEM of the CA(s) that signed the broker’s certificate; null or absent: the system’s trust store' })
  ca?: string | null;
  @ApiPropertyOptional({ description: 'Refuse a broker certificate that does not verify (default true)' })
  rejectUnauthorized?: boolean;
}

export class NewNetworkServerDto {
  @ApiProperty({ description: 'Its id: lower-case letters, digits and -, 1–40', example: 'chirpstack-north' })
  name!: string;
  @ApiProperty({ enum: ['chirpstack-v4'] })
  kind!: 'chirpstack-v4';
  @ApiProperty({ description: 'The network server’s MQTT broker: mqtt://host[:port] or mqtts://host[:port], no credentials in it', example: 'mqtts://chirpstack.county.example:8883' })
  url!: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  username?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Write-only: never returned, never logged (views say passwordSet)' })
  password?: string | null;
  @ApiPropertyOptional({ type: NetworkServerTlsDto, description: 'Only with an mqtts:// url' })
  tls?: NetworkServerTlsDto;
  @ApiPropertyOptional({ type: [String], description: 'ChirpStack application ids to take events of; empty or absent: all the credentials may read' })
  applicationIds?: string[];
  @ApiPropertyOptional({ description: 'MQTT client id, stable so the broker keeps the session across restarts (default county-hub-<name>)' })
  clientId?: string;
  @ApiPropertyOptional({ description: 'Default true; false keeps the session with the broker but takes nothing' })
  enabled?: boolean;
}

export class NetworkServerChangeDto {
  @ApiPropertyOptional()
  url?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' })
  username?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it; absent keeps it' })
  password?: string | null;
  @ApiPropertyOptional({ type: NetworkServerTlsDto })
  tls?: NetworkServerTlsDto;
  @ApiPropertyOptional({ type: [String] })
  applicationIds?: string[];
  @ApiPropertyOptional()
  clientId?: string;
  @ApiPropertyOptional()
  enabled?: boolean;
}

class BridgeErrorDto {
  @ApiProperty()
  at!: string;
  @ApiProperty()
  message!: string;
}

class BridgeCountersDto {
  @ApiProperty({ description: 'Messages taken from the broker and handed on' })
  received!: number;
  @ApiProperty({ description: 'PUBACKs sent: the readings were durable' })
  acknowledged!: number;
  @ApiProperty({ description: 'Messages the ingest could not make durable: left unacknowledged for the broker to deliver again' })
  refusedUnacknowledged!: number;
}

export class BridgeStatusDto implements BridgeStatus {
  @ApiProperty({ enum: ['stopped', 'connecting', 'connected', 'waiting-to-reconnect', 'stopping'] })
  state!: BridgeStatus['state'];
  @ApiProperty()
  connected!: boolean;
  @ApiProperty({ type: String, nullable: true })
  connectedSince!: string | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether the broker still held the session at the last connect' })
  sessionPresent!: boolean | null;
  @ApiProperty({ type: BridgeErrorDto, nullable: true })
  lastError!: BridgeErrorDto | null;
  @ApiProperty({ description: 'Messages handed on whose PUBACK is not sent yet' })
  inFlight!: number;
  @ApiProperty({ type: BridgeCountersDto, description: 'Since the bridge last (re)started' })
  counters!: BridgeCountersDto;
}

export class NetworkServerDto implements NetworkServerView {
  @ApiProperty({ example: 'chirpstack-north' })
  name!: string;
  @ApiProperty({ enum: ['chirpstack-v4'] })
  kind!: 'chirpstack-v4';
  @ApiProperty()
  url!: string;
  @ApiProperty({ type: String, nullable: true })
  username!: string | null;
  @ApiProperty({ description: 'Whether a password is stored (it is never shown)' })
  passwordSet!: boolean;
  @ApiProperty({ type: NetworkServerTlsDto })
  tls!: { ca: string | null; rejectUnauthorized: boolean };
  @ApiProperty({ type: [String] })
  applicationIds!: string[];
  @ApiProperty({ type: [String], example: ['application/+/device/+/event/+'] })
  subscriptions!: string[];
  @ApiProperty()
  clientId!: string;
  @ApiProperty()
  enabled!: boolean;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty()
  createdBy!: string;
  @ApiProperty()
  updatedAt!: string;
  @ApiProperty()
  updatedBy!: string;
  @ApiProperty({ type: BridgeStatusDto })
  status!: BridgeStatusDto;
}
