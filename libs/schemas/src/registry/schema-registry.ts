import { createLogger, type Logger } from '@eventpath/runtime';
import type { Registry } from 'prom-client';
import { SchemaRegistryConfigError, UnknownTopicError } from '../errors';
import { findIncompatibilities, type Incompatibility } from '../model/compatibility';
import type { SchemaSet } from '../model/schema-model';
import { schemaSetFromContent } from './load-schemas';
import type { MessageSchema } from './message-schema';
import { DEFAULT_SCHEMA_UPDATE_CHANNEL, RedisPushChannel } from './redis-push-channel';
import { RegistryMetrics, type ReloadOutcome } from './registry-metrics';
import { SchemaSnapshot } from './schema-snapshot';
import { createSchemaSource, type OpenObjectStore } from './sources/create-schema-source';
import type { FetchResult, SchemaSource, SchemaSourceConfig } from './sources/schema-source';

export interface SchemaRegistryOptions {
  /** Read in order; a type defined by several sources comes from the first. */
  sources: readonly SchemaSourceConfig[];
  /** Topic → fully-qualified message type. Checked at start; these types count as in use. */
  topics?: Readonly<Record<string, string>>;
  /** How often each source is checked; 0 turns polling off. Default 30 000. */
  pollIntervalMs?: number;
  /** What to do with an update that would misread data of a type in use. Default `reject`. */
  onIncompatibleUpdate?: 'reject' | 'accept';
  /** Redis pub/sub channel on which a message naming a source (or `*`) triggers an immediate reload. */
  push?: { redisUrl: string; channel?: string };
  /** Opens the store of `descriptorSetObject` sources given by URL. */
  openObjectStore?: OpenObjectStore;
  logger?: Logger;
  /** Where the registry's metrics are registered; none are registered without it. */
  metrics?: Registry;
}

export interface MessageTypeChange {
  readonly messageType: string;
  /** Absent when the type is new. */
  readonly oldFingerprint?: string;
  /** Absent when the type was removed. */
  readonly newFingerprint?: string;
}

export interface SchemaUpdate {
  readonly source: string;
  readonly version: number;
  /** Every type whose fingerprint changed, was added or was removed, by name. */
  readonly changes: readonly MessageTypeChange[];
  /** Non-empty only when an incompatible update was accepted. */
  readonly incompatibilities: readonly Incompatibility[];
}

export interface SourceStatus {
  readonly name: string;
  readonly location: string;
  /** Read successfully the last time, and its latest content is in use. */
  readonly up: boolean;
  readonly lastError?: string;
  readonly lastCheckedAt?: Date;
  readonly lastUpdatedAt?: Date;
}

export type SchemaUpdateListener = (update: SchemaUpdate) => void;

interface SourceState {
  readonly source: SchemaSource;
  set: SchemaSet;
  appliedHash: string;
  lastSeenHash: string;
  fetchOk: boolean;
  lastError?: string;
  lastCheckedAt?: Date;
  lastUpdatedAt?: Date;
  queued?: { force: boolean; promise: Promise<ReloadOutcome> };
  tail: Promise<unknown>;
  timer?: NodeJS.Timeout;
}

const DEFAULT_POLL_INTERVAL_MS = 30_000;

/**
 * Loads every source, checks the topic mapping, then keeps the schemas
 * current: polling and push-triggered reloads. Fails if a source cannot be
 * loaded at start (there is no last good schema to fall back on yet).
 */
export async function startSchemaRegistry(options: SchemaRegistryOptions): Promise<SchemaRegistry> {
  const names = options.sources.map((source) => source.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new SchemaRegistryConfigError(`two schema sources are named ${duplicate}`);
  if (options.sources.length === 0) throw new SchemaRegistryConfigError('no schema sources configured');
  const logger = options.logger ?? createLogger({ name: 'schema-registry' });
  const states: SourceState[] = [];
  for (const config of options.sources) {
    const source = createSchemaSource(config, options.openObjectStore);
    const result = await source.fetch(true);
    if (result.notModified) throw new Error(`schema source ${config.name} answered "not modified" to an unconditional fetch`);
    const set = schemaSetFromContent(config.name, result.content);
    states.push({
      source,
      set,
      appliedHash: result.contentHash,
      lastSeenHash: result.contentHash,
      fetchOk: true,
      lastCheckedAt: new Date(),
      lastUpdatedAt: new Date(),
      tail: Promise.resolve(),
    });
  }
  const registry = new SchemaRegistry(states, options, logger);
  registry.begin();
  return registry;
}

/** See startSchemaRegistry. */
export class SchemaRegistry {
  private current: SchemaSnapshot;
  private readonly inUse = new Set<string>();
  private readonly listeners = new Set<SchemaUpdateListener>();
  private readonly metrics: RegistryMetrics;
  private readonly topics: ReadonlyMap<string, string>;
  private readonly pollIntervalMs: number;
  private push?: RedisPushChannel;
  private closed = false;

  /** Use startSchemaRegistry. */
  constructor(
    private readonly states: SourceState[],
    private readonly options: SchemaRegistryOptions,
    private readonly logger: Logger,
  ) {
    this.metrics = new RegistryMetrics(options.metrics);
    this.topics = new Map(Object.entries(options.topics ?? {}));
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.current = new SchemaSnapshot(
      1,
      states.map((state) => ({ name: state.source.name, set: state.set })),
      this.markInUse,
    );
  }

  /** @internal Checks the topic mapping and starts polling and the push channel. */
  begin(): void {
    for (const [topic, typeName] of this.topics) {
      if (!this.current.has(typeName)) {
        throw new SchemaRegistryConfigError(`topic ${topic} is mapped to ${typeName}, which no schema source defines`);
      }
      this.inUse.add(typeName);
    }
    for (const state of this.states) {
      this.metrics.up(state.source.name, true);
      this.metrics.applied(state.source.name, state.set.messages.size);
      this.schedulePoll(state);
    }
    if (this.options.push) {
      const channel = this.options.push.channel ?? DEFAULT_SCHEMA_UPDATE_CHANNEL;
      this.push = new RedisPushChannel(
        this.options.push.redisUrl,
        channel,
        {
          onMessage: (payload) => this.onPush(payload),
          onResubscribed: () => void this.reload(),
        },
        this.logger,
      );
    }
    this.logger.info(
      { sources: this.states.map((state) => state.source.name), messageTypes: this.current.messageTypeNames().length },
      'schema registry started',
    );
  }

  /** The current schemas; hold it to work with one version across several calls. */
  snapshot(): SchemaSnapshot {
    return this.current;
  }

  /** A message type of the current version. Throws UnknownMessageTypeError. */
  messageType(typeName: string): MessageSchema {
    return this.current.messageType(typeName);
  }

  /** The message type configured for a topic, current version. Throws UnknownTopicError. */
  messageTypeForTopic(topic: string): MessageSchema {
    const typeName = this.topics.get(topic);
    if (typeName === undefined) throw new UnknownTopicError(topic);
    return this.current.messageType(typeName);
  }

  /** Called after each applied update, with old and new fingerprints. Returns an unsubscribe function. */
  onUpdate(listener: SchemaUpdateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Rereads sources now (all, or the one named), skipping the cheap change checks. */
  async reload(sourceName?: string): Promise<ReloadOutcome[]> {
    const targets = sourceName === undefined ? this.states : this.states.filter((state) => state.source.name === sourceName);
    if (targets.length === 0) throw new SchemaRegistryConfigError(`no schema source is named ${sourceName}`);
    return Promise.all(targets.map((state) => this.check(state, true)));
  }

  sourceStatus(): SourceStatus[] {
    return this.states.map((state) => ({
      name: state.source.name,
      location: state.source.location,
      up: this.isUp(state),
      ...(state.lastError !== undefined ? { lastError: state.lastError } : {}),
      ...(state.lastCheckedAt ? { lastCheckedAt: state.lastCheckedAt } : {}),
      ...(state.lastUpdatedAt ? { lastUpdatedAt: state.lastUpdatedAt } : {}),
    }));
  }

  /** Stops polling and the push channel and waits for checks in progress. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const state of this.states) clearTimeout(state.timer);
    await this.push?.close();
    await Promise.all(this.states.map((state) => state.tail));
  }

  private readonly markInUse = (typeName: string): void => {
    if (!this.inUse.has(typeName)) this.inUse.add(typeName);
  };

  private schedulePoll(state: SourceState): void {
    if (this.pollIntervalMs <= 0 || this.closed) return;
    state.timer = setTimeout(() => {
      void this.check(state, false).finally(() => this.schedulePoll(state));
    }, this.pollIntervalMs);
    state.timer.unref();
  }

  private onPush(payload: string): void {
    const name = payload.trim();
    if (name === '*') {
      this.metrics.push('reload');
      void this.reload();
      return;
    }
    const state = this.states.find((candidate) => candidate.source.name === name);
    if (!state) {
      this.metrics.push('unknown_source');
      this.logger.warn({ payload: name.slice(0, 200) }, 'schema push message names no configured source');
      return;
    }
    this.metrics.push('reload');
    void this.check(state, true);
  }

  /** One check per source at a time; requests arriving meanwhile share the next one. */
  private check(state: SourceState, force: boolean): Promise<ReloadOutcome> {
    if (state.queued) {
      state.queued.force ||= force;
      return state.queued.promise;
    }
    const queued = { force, promise: Promise.resolve<ReloadOutcome>('unchanged') };
    queued.promise = state.tail.then(() => {
      state.queued = undefined;
      // Checks run from timers and push messages with no caller to handle a rejection.
      return this.runCheck(state, queued.force).catch((err: unknown) => {
        this.logger.error({ source: state.source.name, err: (err as Error).message }, 'schema source check failed unexpectedly');
        return this.finish(state, 'fetch_failed');
      });
    });
    state.queued = queued;
    state.tail = queued.promise.catch(() => undefined);
    return queued.promise;
  }

  private async runCheck(state: SourceState, force: boolean): Promise<ReloadOutcome> {
    const name = state.source.name;
    if (this.closed) return 'unchanged';
    let result: FetchResult;
    try {
      result = await state.source.fetch(force);
    } catch (err) {
      return this.refuse(state, 'fetch_failed', (err as Error).message);
    }
    state.lastCheckedAt = new Date();
    if (!state.fetchOk) this.logger.info({ source: name }, 'schema source readable again');
    state.fetchOk = true;
    if (result.notModified || result.contentHash === state.lastSeenHash || result.contentHash === state.appliedHash) {
      // Back to the content in use after a refused update: nothing to apply, and the source is fine again.
      if (!result.notModified && result.contentHash === state.appliedHash) state.lastSeenHash = state.appliedHash;
      if (state.lastSeenHash === state.appliedHash) state.lastError = undefined;
      return this.finish(state, 'unchanged');
    }
    state.lastSeenHash = result.contentHash;

    let set: SchemaSet;
    try {
      set = schemaSetFromContent(name, result.content);
    } catch (err) {
      return this.refuse(state, 'invalid', (err as Error).message);
    }
    const before = this.current;
    const candidate = new SchemaSnapshot(
      before.version + 1,
      this.states.map((other) => ({ name: other.source.name, set: other === state ? set : other.set })),
      this.markInUse,
    );
    const incompatibilities = findIncompatibilities(
      (typeName) => before.setOf(typeName),
      (typeName) => candidate.setOf(typeName),
      this.inUse,
    );
    const accepted = incompatibilities.length === 0 || this.options.onIncompatibleUpdate === 'accept';
    if (!accepted) {
      return this.refuse(
        state,
        'incompatible_rejected',
        `incompatible update: ${incompatibilities.map((found) => found.reason).join('; ')}`,
        { incompatibilities },
      );
    }

    // The swap: one assignment, after the new snapshot is complete.
    const previousSet = state.set;
    this.current = candidate;
    state.set = set;
    state.appliedHash = result.contentHash;
    state.lastUpdatedAt = new Date();
    state.lastError = undefined;

    const changes = changedTypes(before, candidate, [...previousSet.messages.keys(), ...set.messages.keys()]);
    const outcome: ReloadOutcome = incompatibilities.length > 0 ? 'incompatible_accepted' : 'updated';
    const log = { source: name, version: candidate.version, changes, incompatibilities: incompatibilities.map((found) => found.reason) };
    if (incompatibilities.length > 0) this.logger.warn(log, 'schema source updated with incompatible changes (accepted by configuration)');
    else this.logger.info(log, 'schema source updated');
    this.metrics.applied(name, set.messages.size);
    const update: SchemaUpdate = { source: name, version: candidate.version, changes, incompatibilities };
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch (err) {
        this.logger.error({ source: name, err: (err as Error).message }, 'schema update listener failed');
      }
    }
    return this.finish(state, outcome);
  }

  private refuse(
    state: SourceState,
    outcome: 'fetch_failed' | 'invalid' | 'incompatible_rejected',
    reason: string,
    details: Record<string, unknown> = {},
  ): ReloadOutcome {
    const name = state.source.name;
    if (outcome === 'fetch_failed') state.fetchOk = false;
    const repeated = state.lastError === reason;
    state.lastError = reason;
    state.lastCheckedAt = new Date();
    // The same failure on every poll is logged once; the metric still counts each.
    if (!repeated) {
      const log = { source: name, location: state.source.location, outcome, reason, ...details };
      const message = 'schema source not applied; the last good schema stays in use';
      if (outcome === 'fetch_failed') this.logger.warn(log, message);
      else this.logger.error(log, message);
    }
    return this.finish(state, outcome);
  }

  private finish(state: SourceState, outcome: ReloadOutcome): ReloadOutcome {
    this.metrics.reload(state.source.name, outcome);
    this.metrics.up(state.source.name, this.isUp(state));
    return outcome;
  }

  private isUp(state: SourceState): boolean {
    return state.fetchOk && state.lastSeenHash === state.appliedHash;
  }
}

function changedTypes(before: SchemaSnapshot, after: SchemaSnapshot, names: readonly string[]): MessageTypeChange[] {
  const changes: MessageTypeChange[] = [];
  for (const messageType of [...new Set(names)].sort()) {
    const oldFingerprint = before.fingerprint(messageType);
    const newFingerprint = after.fingerprint(messageType);
    if (oldFingerprint === newFingerprint) continue;
    changes.push({
      messageType,
      ...(oldFingerprint !== undefined ? { oldFingerprint } : {}),
      ...(newFingerprint !== undefined ? { newFingerprint } : {}),
    });
  }
  return changes;
}
