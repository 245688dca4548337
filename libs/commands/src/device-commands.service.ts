import { SYSTEM_ACTOR } from '@hub/access';
import type { CommandStatus, CommandView } from '@hub/api-types';
import { type HubLogger, type SharedCacheNotice, UNSHARED_CACHE } from '@hub/common';
import { commandsTopic, type DeviceAddress, type RejectReason } from '@hub/contract';
import type { Executor, NewAuditEntry, Store, Tx } from '@hub/store';
import { commandId } from './command-id';
import { readCommandInput } from './command-input';
import { CommandNotFoundError } from './command-errors';
import type { CommandTransport, DownlinkPort, RefuseReport } from './command-ports';
import type { CommandRepository, DeviceCommand } from './command.repository';
import { applyCommandEvent, type CommandEvent } from './command-status.machine';
import { commandCarriers, commandTarget, type CommandActor, type DeviceDirectory, readableDevice } from './device-target';
import { type CommandReply, parseCommandReply } from './device-report.parser';

/** The audit log as a converted service writes it: in the transaction of the change. */
export interface TransactionalAudit {
  record(entry: NewAuditEntry, exec: Executor): Promise<unknown>;
}

export interface DeviceCommandsDeps {
  readonly store: Store;
  readonly commands: CommandRepository;
  readonly devices: DeviceDirectory;
  readonly transport: CommandTransport;
  /** LoRaWAN devices' commands, as downlinks through their network server; without it every command goes over MQTT. */
  readonly downlinks?: DownlinkPort;
  readonly audit: TransactionalAudit;
  readonly refuse: RefuseReport;
  readonly logger: HubLogger;
  readonly clock?: () => number;
}

/** Commands that may still go out to a device: queued, or sent and not acknowledged. */
const WAITING: readonly CommandStatus[] = ['queued', 'sent'];

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
  /**
   * Devices that may have commands waiting (queued or sent): a device-ready of any other costs no query, so a
   * reconnect storm of a whole fleet queries only for the few with work. The value changes with every command queued,
   * so a lookup that found nothing does not drop a device whose command was queued meanwhile.
   */
  private readonly withWork = new Map<string, number>();
  private workVersion = 0;
  private shared: SharedCacheNotice = UNSHARED_CACHE;
  /** Per device, the tail of its chain of sends: two ready events of one connection must not both send a command. */
  private readonly sending = new Map<string, Promise<void>>();

  constructor(private readonly deps: DeviceCommandsDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /** Which devices have commands waiting, read once at start (before the broker takes connections). */
  async load(): Promise<void> {
    (await this.readAll())();
  }

  shareChanges(shared: SharedCacheNotice): void {
    this.shared = shared;
  }

  /**
   * Devices with commands waiting, read again (a command queued through another node): added to those this node
   * already thinks may have some. Only ever added: a device wrongly listed costs one query at its next ready, one
   * wrongly missing would wait for its command until a restart.
   */
  async readAll(): Promise<() => void> {
    const waiting = await this.deps.commands.devicesWith(WAITING);
    return () => this.mayHaveWork(waiting);
  }

  /**
   * Devices another node queued commands for: no read needed (the ready path asks the database). One connected here
   * (to this node's broker) is sent its commands now, as if it had just become ready: the node that queued them has
   * no connection of it to send them on.
   */
  async readKeys(deviceIds: readonly string[]): Promise<() => void> {
    return () => {
      this.mayHaveWork(deviceIds);
      for (const deviceId of deviceIds) {
        const device = this.deps.devices.find(deviceId);
        // LoRaWAN devices' commands go through the network server from the node that queued them.
        if (device?.domain == null || this.deps.downlinks?.carries(deviceId) === true) continue;
        if (this.carrierOf(deviceId, commandsTopic(device.domain, deviceId)) === undefined) continue;
        this.sendWaiting({ deviceId, domain: device.domain }).catch((error: unknown) => this.deps.logger.warn({ msg: 'Could not send the commands another node queued', deviceId, error }));
      }
    };
  }

  private mayHaveWork(deviceIds: readonly string[]): void {
    for (const deviceId of deviceIds) this.withWork.set(deviceId, ++this.workVersion);
  }

  async send(actor: CommandActor, deviceId: string, body: unknown): Promise<CommandView> {
    const target = commandTarget(this.deps.devices, actor, deviceId);
    const input = readCommandInput(body);
    const now = this.clock();
    const command: DeviceCommand = {
      id: commandId(now),
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
    await this.deps.store.tx(async (tx) => {
      await this.deps.commands.insert(command, tx.exec);
      await this.deps.audit.record(
        {
          at: now,
          actor: actor.name,
          action: 'device.command.send',
          targetType: 'device',
          targetId: deviceId,
          detail: { commandId: command.id, name: command.name, args: command.args, expiresAt: command.expiresAt },
        },
        tx.exec,
      );
      tx.afterCommit(() => {
        this.mayHaveWork([deviceId]);
        this.shared.changed([deviceId]);
      });
    });
    this.count('queued');
    // Queued and committed: a failure to send it now is not the caller's to retry (a retry would queue it twice); it
    // goes out when the device is next ready.
    try {
      await this.sendWaiting(target);
    } catch (error) {
      this.deps.logger.warn({ msg: 'A queued command could not be sent at once; it goes when the device is next ready', deviceId, commandId: command.id, error });
    }
    return (await this.deps.commands.get(command.id).catch(() => undefined)) ?? command;
  }

  async list(actor: CommandActor, deviceId: string): Promise<CommandView[]> {
    readableDevice(this.deps.devices, actor, deviceId);
    return this.deps.commands.listForDevice(deviceId, HISTORY_LIMIT);
  }

  async get(actor: CommandActor, deviceId: string, id: string): Promise<CommandView> {
    readableDevice(this.deps.devices, actor, deviceId);
    const command = await this.deps.commands.get(id);
    if (command === undefined || command.deviceId !== deviceId) throw new CommandNotFoundError(deviceId, id);
    return command;
  }

  /**
   * The device is connected and may hold its commands subscription (restored with its session, or just made).
   * `clean`: its session starts empty, so what was sent to an earlier connection and not acknowledged is lost with it.
   */
  deviceReady(device: DeviceAddress): Promise<void> {
    return this.sendWaiting(device);
  }

  /** The device, or its gateway, acknowledged (PUBACK) a message on the device's commands topic. */
  async acknowledged(deviceId: string, payload: Uint8Array): Promise<void> {
    const id = commandIdOf(payload);
    if (id === null) return;
    await this.advance(id, deviceId, { kind: 'delivered' });
  }

  /**
   * A message on the device's commands/reply topic (the ACL let only the device itself or its gateway publish there).
   * Resolves when the message may be acknowledged (a refused reply: once its dead letter is committed).
   */
  async replied(device: DeviceAddress, clientId: string, topic: string, payload: Uint8Array): Promise<void> {
    const parsed = parseCommandReply(payload);
    const refuse = (reason: RejectReason, detail: string) =>
      this.deps.refuse({ receivedAt: this.clock(), clientId, deviceId: device.deviceId, domain: device.domain, topic, payload, reason, detail });
    if (!parsed.ok) return refuse(parsed.refusal.reason, parsed.refusal.detail);
    const reply: CommandReply = parsed.value;
    const event: CommandEvent = reply.ok ? { kind: 'replied', ok: true, result: reply.result } : { kind: 'replied', ok: false, error: reply.error };
    const outcome = await this.advance(reply.id, device.deviceId, event, device.deviceId);
    if (outcome === 'unknown') return refuse('COMMAND_UNKNOWN', `no command ${reply.id} was sent to device ${device.deviceId}`);
    if (!('id' in outcome)) {
      this.deps.logger.warn({ msg: 'Command reply ignored: the command is not waiting for one', deviceId: device.deviceId, commandId: reply.id, status: outcome.unchanged.status });
    }
  }

  /**
   * The device was deleted: its commands go (the audit log keeps who sent what and how each ended). Called inside
   * the registry's transaction; returns how many were removed.
   */
  async forget(deviceId: string, tx: Tx): Promise<number> {
    const sent = await this.deps.commands.forDevice(deviceId, ['sent'], tx.exec);
    const removed = await this.deps.commands.deleteForDevice(deviceId, tx.exec);
    tx.afterCommit(() => {
      for (const command of sent) this.sentTo.delete(command.id);
      this.withWork.delete(deviceId);
    });
    return removed;
  }

  /** Commands whose expiry passed before their reply: expired (called every second). */
  async expireDue(): Promise<number> {
    const now = this.clock();
    const due = await this.deps.commands.due(now);
    let expired = 0;
    for (const command of due) {
      const reason = command.status === 'queued' ? 'expired before the device was connected and subscribed' : `expired without a reply (${command.status === 'sent' ? 'not acknowledged' : 'acknowledged'} by the device)`;
      // Answered between the query and now: not expired after all.
      if (isCommand(await this.advance(command.id, command.deviceId, { kind: 'expired', reason }))) expired++;
    }
    return expired;
  }

  /**
   * Publishes the device's queued commands, and those sent but not acknowledged to an earlier connection, if it or
   * its gateway is subscribed. Called for the connection's restored subscriptions and again when it is ready: once
   * per connection. Runs one at a time per device, so two calls for one connection send a command once.
   */
  private sendWaiting(device: DeviceAddress): Promise<void> {
    const version = this.withWork.get(device.deviceId);
    if (version === undefined) return Promise.resolve();
    const previous = this.sending.get(device.deviceId) ?? Promise.resolve();
    const next = previous.then(() => this.sendWaitingNow(device, version));
    const tail = next.catch(() => undefined);
    this.sending.set(device.deviceId, tail);
    void tail.then(() => {
      if (this.sending.get(device.deviceId) === tail) this.sending.delete(device.deviceId);
    });
    return next;
  }

  private async sendWaitingNow(device: DeviceAddress, version: number): Promise<void> {
    if (this.deps.downlinks?.carries(device.deviceId) === true) {
      await this.enqueueDownlinks(device.deviceId, this.deps.downlinks);
      return;
    }
    const topic = commandsTopic(device.domain, device.deviceId);
    const connection = this.carrierOf(device.deviceId, topic);
    if (connection === undefined) return;
    const now = this.clock();
    const waiting = await this.deps.commands.forDevice(device.deviceId, WAITING);
    // Nothing waits (and nothing was queued since the set said otherwise): later ready events need no query.
    if (waiting.length === 0 && this.withWork.get(device.deviceId) === version) this.withWork.delete(device.deviceId);
    for (const command of waiting) {
      if (command.expiresAt <= now) continue;
      if (command.status === 'sent' && this.sentTo.get(command.id) === connection) continue;
      if (command.status === 'queued' && !isCommand(await this.advance(command.id, command.deviceId, { kind: 'sent' }))) continue;
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
  deviceHeard(device: DeviceAddress): Promise<void> {
    return this.deps.downlinks?.carries(device.deviceId) === true ? this.sendWaiting(device) : Promise.resolve();
  }

  /**
   * The network server's word on a downlink it sent (ChirpStack's ack event): acknowledged by the device — the
   * command succeeded, as far as a LoRaWAN device can say — or not, which fails it.
   */
  async downlinkAcknowledged(deviceId: string, id: string, acknowledged: boolean): Promise<void> {
    if (!acknowledged) {
      await this.advance(id, deviceId, { kind: 'replied', ok: false, error: 'the device did not acknowledge the confirmed downlink (the network server gave up)' });
      return;
    }
    if ((await this.advance(id, deviceId, { kind: 'delivered' })) === 'unknown') return;
    await this.advance(id, deviceId, { kind: 'replied', ok: true, result: { acknowledged: true } });
  }

  /** Queued commands of a LoRaWAN device: encoded and queued at its network server, each once. */
  private async enqueueDownlinks(deviceId: string, downlinks: DownlinkPort): Promise<void> {
    const now = this.clock();
    for (const command of await this.deps.commands.forDevice(deviceId, ['queued'])) {
      if (command.expiresAt <= now) continue;
      if (!isCommand(await this.advance(command.id, deviceId, { kind: 'sent' }))) continue;
      const fail = (error: string) =>
        this.advance(command.id, deviceId, { kind: 'replied', ok: false, error }).catch((failure: unknown) =>
          this.deps.logger.error({ msg: 'Could not record a failed downlink', deviceId, commandId: command.id, error: failure }),
        );
      downlinks.enqueue(deviceId, { id: command.id, name: command.name, args: command.args, expiresAt: command.expiresAt }).then(
        (outcome) => (outcome.ok ? undefined : fail(outcome.error)),
        (error: unknown) => fail(`could not queue the downlink: ${error instanceof Error ? error.message : String(error)}`),
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

  /**
   * Applies the event to the command as stored (read in the transaction, under the command's lock: a reply and the
   * expiry job may race), stores the result and audits an outcome. 'unknown': no such command of this device;
   * `unchanged`: the event did not apply.
   */
  private async advance(id: string, deviceId: string, event: CommandEvent, actor: string = SYSTEM_ACTOR): Promise<Advanced> {
    const now = this.clock();
    const outcome = await this.deps.store.tx(async (tx): Promise<Advanced> => {
      await tx.lock(`device-command:${id}`);
      const command = await this.deps.commands.get(id, tx.exec);
      if (command === undefined || command.deviceId !== deviceId) return 'unknown';
      const next = applyCommandEvent(command, event, now);
      if (next === null) return { unchanged: command };
      await this.deps.commands.update(next, tx.exec);
      if (isOutcome(next.status)) {
        await this.deps.audit.record(
          {
            at: now,
            actor,
            action: `device.command.${next.status}`,
            targetType: 'device',
            targetId: next.deviceId,
            detail: { commandId: next.id, name: next.name, ...(next.status === 'succeeded' ? { result: next.result } : { error: next.error }) },
          },
          tx.exec,
        );
      }
      return next;
    });
    if (isCommand(outcome)) {
      if (outcome.status !== 'sent') this.sentTo.delete(outcome.id);
      this.count(outcome.status);
    }
    return outcome;
  }
}

type Advanced = DeviceCommand | 'unknown' | { readonly unchanged: DeviceCommand };

function isCommand(outcome: Advanced): outcome is DeviceCommand {
  return outcome !== 'unknown' && 'id' in outcome;
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
