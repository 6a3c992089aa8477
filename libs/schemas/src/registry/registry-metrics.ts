import { Counter, Gauge, type Registry } from 'prom-client';

export type ReloadOutcome =
  | 'updated'
  | 'unchanged'
  | 'fetch_failed'
  | 'invalid'
  | 'incompatible_rejected'
  | 'incompatible_accepted';

/** The registry's Prometheus metrics; see the README for their meaning. */
export class RegistryMetrics {
  private readonly reloads: Counter<'source' | 'outcome'>;
  private readonly sourceUp: Gauge<'source'>;
  private readonly lastUpdate: Gauge<'source'>;
  private readonly messageTypes: Gauge<'source'>;
  private readonly pushMessages: Counter<'outcome'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.reloads = new Counter({
      name: 'eventpath_schema_reloads_total',
      help: 'Schema source checks by outcome: updated, unchanged, fetch_failed, invalid, incompatible_rejected, incompatible_accepted',
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.sourceUp = new Gauge({
      name: 'eventpath_schema_source_up',
      help: '1 when the source was read and its latest content is in use, 0 when the last read failed or its content was refused',
      labelNames: ['source'],
      registers,
    });
    this.lastUpdate = new Gauge({
      name: 'eventpath_schema_last_update_timestamp_seconds',
      help: 'When the source last changed the schemas in use (Unix time)',
      labelNames: ['source'],
      registers,
    });
    this.messageTypes = new Gauge({
      name: 'eventpath_schema_message_types',
      help: 'Message types the source currently provides',
      labelNames: ['source'],
      registers,
    });
    this.pushMessages = new Counter({
      name: 'eventpath_schema_push_messages_total',
      help: 'Push-channel messages by outcome: reload (named a known source or *) or unknown_source',
      labelNames: ['outcome'],
      registers,
    });
  }

  reload(source: string, outcome: ReloadOutcome): void {
    this.reloads.inc({ source, outcome });
  }

  up(source: string, up: boolean): void {
    this.sourceUp.set({ source }, up ? 1 : 0);
  }

  applied(source: string, messageTypes: number): void {
    this.lastUpdate.set({ source }, Date.now() / 1000);
    this.messageTypes.set({ source }, messageTypes);
  }

  push(outcome: 'reload' | 'unknown_source'): void {
    this.pushMessages.inc({ outcome });
  }
}
