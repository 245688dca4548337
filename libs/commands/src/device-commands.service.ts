import { randomUUID } from 'node:crypto';
import { type AuditTrail, SYSTEM_ACTOR } from '@hub/access';
import type { CommandStatus, CommandView } from '@hub/api-types';
import type { HubLogger } from '@hub/common';
import { commandsTopic, type DeviceAddress, type RejectReason } from '@hub/contract';
import { readCommandInput } from './command-input';
import { CommandNotFoundError } from './command-errors';
import type { CommandTransport, DownlinkPort, RefuseReport } from './command-ports';
import type { CommandRepository, DeviceCommand } from './command.repository';
import { applyCommandEvent, type CommandEvent } from './command-status.machine';
import { commandCarriers, commandTarget, type CommandActor, type DeviceDirectory, readableDevice } from './device-target';
import { type CommandReply, parseCommandReply } from './device-report.parser';

export interface DeviceCommandsDeps {
  readonly commands: CommandRepository;
  readonly devices: DeviceDirectory;
  readonly transport: CommandTransport;
  /** LoRaWAN devices' commands, as downlinks through their network server; without it every command goes over MQTT. */
  readonly downlinks?: DownlinkPort;
  readonly audit: AuditTrail;
  readonly refuse: RefuseReport;
  readonly logger: HubLogger;
  readonly clock?: () => number;
}

/** What a device receives on its commands topic (QoS 1, not retained). */
export interface CommandMessage {
  readonly id: string;
  readonly name: string;
  readonly args: unknown;
  /** Epoch ms: a device that gets the command later should not act on it. */
  readonly expiresAt: number;
}

export const HISTORY_LIMIT = 200;

/**
 * Commands to devices. A command is stored queued first (SQLite, so a restart loses none), then published at QoS 1
 * on the device's commands topic only while the device is connected and subscribed to it; otherwise it waits in the
 * table and goes out when the device is ready (connected with its session restored) or subscribes. aedes' own
 * queue for an away persistent session is not relied on: it is in memory, and a device that never connected has
 * no session to queue for. Delivery is at least once: a command sent but not acknowledged is sent again on the
 * device's next connection (or after a restart of the service), clean session or not — a command published while
 * the device's DISCONNECT was on its way reached a connection that was closing, and a persistent session may not
 * hold it — so a device may see a command twice and acts once per command id.
 */
export class DeviceCommandsService {
  /** Commands that reached each status since start (queued: sent by an operator), for /metrics. */
  readonly statusCounts = new Map<CommandStatus, number>();
  private readonly clock: () => number;
  /**
   * Command id → the connection this process last published it to (the broker's connection value): the device's
   * own, or its gateway's for a child relayed by a gateway, so "once per connection" is once per gateway connection.
   */
  private readonly sentTo = new Map<string, object>();

  constructor(private readonly deps: DeviceCommandsDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  send(actor: CommandActor, deviceId: string, body: unknown): CommandView {
    const target = commandTarget(this.deps.devices, actor, deviceId);
    const input = readCommandInput(body);
    const now = this.clock();
    const command: DeviceCommand = {
      id: randomUUID(),
      deviceId,
      domain: target.domain,
      name: input.name,
      args: input.args,
      status: 'queued',
      createdAt: now,
      createdBy: actor.name,
      expiresAt: now + input.expiresInMs,
      sentAt: null,
      deliveredAt: null,
      finishedAt: null,
      result: null,
      error: null,
    };
    this.deps.commands.transaction(() => {
      this.deps.commands.insert(command);
      this.deps.audit.record({
        at: now,
        actor: actor.name,
        action: 'device.command.send',
        targetType: 'device',
        targetId: deviceId,
        detail: { commandId: command.id, name: command.name, args: command.args, expiresAt: command.expiresAt },
      });
    });
    this.count('queued');
    this.sendWaiting(target);
    return this.deps.commands.get(command.id) ?? command;
  }

  list(actor: CommandActor, deviceId: string): CommandView[] {
    readableDevice(this.deps.devices, actor, deviceId);
    return this.deps.commands.listForDevice(deviceId, HISTORY_LIMIT);
  }

  get(actor: CommandActor, deviceId: string, commandId: string): CommandView {
    readableDevice(this.deps.devices, actor, deviceId);
    const command = this.deps.commands.get(commandId);
    if (command === undefined || command.deviceId !== deviceId) throw new CommandNotFoundError(deviceId, commandId);
    return command;
  }

  /**
   * The device is connected and may hold its commands subscription (restored with its session, or just made).
   * `clean`: its session starts empty, so what was sent to an earlier connection and not acknowledged is lost with it.
   */
  deviceReady(device: DeviceAddress): void {
    this.sendWaiting(device);
  }

  /** The device, or its gateway, acknowledged (PUBACK) a message on the device's commands topic. */
  acknowledged(deviceId: string, payload: Uint8Array): void {
    const id = commandIdOf(payload);
    const command = id === null ? undefined : this.deps.commands.get(id);
    if (command === undefined || command.deviceId !== deviceId) return;
    this.advance(command, { kind: 'delivered' });
  }

  /**
   * A message on the device's commands/reply topic (the ACL let only the device itself or its gateway publish there).
   * Resolves when the message may be acknowledged (a refused reply: once its dead letter is committed).
   */
  replied(device: DeviceAddress, clientId: string, topic: string, payload: Uint8Array): Promise<void> {
    const parsed = parseCommandReply(payload);
    const refuse = (reason: RejectReason, detail: string) =>
      this.deps.refuse({ receivedAt: this.clock(), clientId, deviceId: device.deviceId, domain: device.domain, topic, payload, reason, detail });
    if (!parsed.ok) return refuse(parsed.refusal.reason, parsed.refusal.detail);
    const reply: CommandReply = parsed.value;
    const command = this.deps.commands.get(reply.id);
    if (command === undefined || command.deviceId !== device.deviceId) {
      return refuse('COMMAND_UNKNOWN', `no command ${reply.id} was sent to device ${device.deviceId}`);
    }
    const event: CommandEvent = reply.ok ? { kind: 'replied', ok: true, result: reply.result } : { kind: 'replied', ok: false, error: reply.error };
    if (this.advance(command, event, device.deviceId) === null) {
      this.deps.logger.warn({ msg: 'Command reply ignored: the command is not waiting for one', deviceId: device.deviceId, commandId: command.id, status: command.status });
    }
    return Promise.resolve();
  }

  /**
   * The device was deleted: its commands go (the audit log keeps who sent what and how each ended). Called inside
   * the registry's transaction; returns how many were removed.
   */
  forget(deviceId: string): number {
    for (const command of this.deps.commands.forDevice(deviceId, ['sent'])) this.sentTo.delete(command.id);
    return this.deps.commands.deleteForDevice(deviceId);
  }

  /** Commands whose expiry passed before their reply: expired (called every second). */
  expireDue(): number {
    const now = this.clock();
    const due = this.deps.commands.due(now);
    for (const command of due) {
      const reason = command.status === 'queued' ? 'expired before the device was connected and subscribed' : `expired without a reply (${command.status === 'sent' ? 'not acknowledged' : 'acknowledged'} by the device)`;
      this.advance(command, { kind: 'expired', reason });
    }
    return due.length;
  }

  /**
   * Publishes the device's queued commands, and those sent but not acknowledged to an earlier connection, if it or
   * its gateway is subscribed. Called for the connection's restored subscriptions and again when it is ready: once
   * per connection.
   */
  private sendWaiting(device: DeviceAddress): void {
    if (this.deps.downlinks?.carries(device.deviceId) === true) {
      this.enqueueDownlinks(device.deviceId, this.deps.downlinks);
      return;
    }
    const topic = commandsTopic(device.domain, device.deviceId);
    const connection = this.carrierOf(device.deviceId, topic);
    if (connection === undefined) return;
    const now = this.clock();
    const waiting = this.deps.commands.forDevice(device.deviceId, ['queued', 'sent']);
    for (const command of waiting) {
      if (command.expiresAt <= now) continue;
      if (command.status === 'sent' && this.sentTo.get(command.id) === connection) continue;
      if (command.status === 'queued') this.advance(command, { kind: 'sent' });
      this.sentTo.set(command.id, connection);
      const message: CommandMessage = { id: command.id, name: command.name, args: command.args, expiresAt: command.expiresAt };
      this.deps.transport.publish(topic, JSON.stringify(message), 1, false).catch((error: unknown) => {
        // Stays sent; it goes out again when the device is next ready, as a command of an earlier run would.
        if (this.sentTo.get(command.id) === connection) this.sentTo.delete(command.id);
        this.deps.logger.error({ msg: 'Could not publish a command', deviceId: device.deviceId, commandId: command.id, error });
      });
    }
  }

  /**
   * A LoRaWAN device was heard (an uplink came through its network server): commands queued while no network server
   * knew where it was go out now.
   */
  deviceHeard(device: DeviceAddress): void {
    if (this.deps.downlinks?.carries(device.deviceId) === true) this.enqueueDownlinks(device.deviceId, this.deps.downlinks);
  }

  /**
   * The network server's word on a downlink it sent (ChirpStack's ack event): acknowledged by the device — the
   * command succeeded, as far as a LoRaWAN device can say — or not, which fails it.
   */
  downlinkAcknowledged(deviceId: string, commandId: string, acknowledged: boolean): void {
    const command = this.deps.commands.get(commandId);
    if (command === undefined || command.deviceId !== deviceId) return;
    if (!acknowledged) {
      this.advance(command, { kind: 'replied', ok: false, error: 'the device did not acknowledge the confirmed downlink (the network server gave up)' });
      return;
    }
    const delivered = this.advance(command, { kind: 'delivered' }) ?? command;
    this.advance(delivered, { kind: 'replied', ok: true, result: { acknowledged: true } });
  }

  /** Queued commands of a LoRaWAN device: encoded and queued at its network server, each once. */
  private enqueueDownlinks(deviceId: string, downlinks: DownlinkPort): void {
    const now = this.clock();
    for (const command of this.deps.commands.forDevice(deviceId, ['queued'])) {
      if (command.expiresAt <= now) continue;
      const sent = this.advance(command, { kind: 'sent' });
      if (sent === null) continue;
      downlinks.enqueue(deviceId, { id: command.id, name: command.name, args: command.args, expiresAt: command.expiresAt }).then(
        (outcome) => {
          if (!outcome.ok) this.advance(this.deps.commands.get(command.id) ?? sent, { kind: 'replied', ok: false, error: outcome.error });
        },
        (error: unknown) => {
          this.advance(this.deps.commands.get(command.id) ?? sent, { kind: 'replied', ok: false, error: `could not queue the downlink: ${error instanceof Error ? error.message : String(error)}` });
        },
      );
    }
  }

  private count(status: CommandStatus): void {
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
  }

  /** The connection that holds a subscription to the device's commands topic: its own, else its gateway's. */
  private carrierOf(deviceId: string, topic: string): object | undefined {
    for (const clientId of commandCarriers(deviceId, this.deps.devices.find(deviceId))) {
      const connection = this.deps.transport.connectionOf(clientId);
      if (connection !== undefined && this.deps.transport.isSubscribed(clientId, topic)) return connection;
    }
    return undefined;
  }

  /** Applies the event, stores the result and audits an outcome; null when the event did not apply. */
  private advance(command: DeviceCommand, event: CommandEvent, actor: string = SYSTEM_ACTOR): DeviceCommand | null {
    const now = this.clock();
    const next = applyCommandEvent(command, event, now);
    if (next === null) return null;
    if (next.status !== 'sent') this.sentTo.delete(next.id);
    this.deps.commands.transaction(() => {
      this.deps.commands.update(next);
      if (!isOutcome(next.status)) return;
      this.deps.audit.record({
        at: now,
        actor,
        action: `device.command.${next.status}`,
        targetType: 'device',
        targetId: next.deviceId,
        detail: { commandId: next.id, name: next.name, ...(next.status === 'succeeded' ? { result: next.result } : { error: next.error }) },
      });
    });
    this.count(next.status);
    return next;
  }
}

function isOutcome(status: CommandStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'expired';
}

/** The id inside a command message the hub published (null for anything else on the topic). */
function commandIdOf(payload: Uint8Array): string | null {
  try {
    const parsed = JSON.parse(Buffer.from(payload).toString('utf8')) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : null;
  } catch {
    // Someone else's message on the commands topic: not one of ours to track.
    return null;
  }
}
