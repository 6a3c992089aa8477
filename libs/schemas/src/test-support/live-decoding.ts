import type { DecodedMessage } from '../codec/decoder-compiler';
import type { SchemaRegistry } from '../registry/schema-registry';

export interface DecodeLoopReport {
  decodes: number;
  failures: string[];
  /** Decodes whose result did not match the fingerprint of the schema that produced it. */
  mixed: number;
  fingerprints: Set<string>;
}

/**
 * Decodes the same bytes continuously through the registry, as a consumer
 * would, while a test updates the schema. Each result is checked against the
 * schema version that produced it: `expectedFor(fingerprint, message)` says
 * whether that version explains the decoded message.
 */
export function startDecodeLoop(
  registry: SchemaRegistry,
  typeName: string,
  bytes: Uint8Array,
  consistent: (fingerprint: string, message: DecodedMessage) => boolean,
): { stop(): Promise<DecodeLoopReport> } {
  const report: DecodeLoopReport = { decodes: 0, failures: [], mixed: 0, fingerprints: new Set() };
  let running = true;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const tick = (): void => {
    if (!running) {
      finished();
      return;
    }
    for (let i = 0; i < 50; i++) {
      try {
        const schema = registry.messageType(typeName);
        const message = schema.decode(bytes);
        report.fingerprints.add(schema.fingerprint);
        if (!consistent(schema.fingerprint, message)) report.mixed++;
      } catch (err) {
        report.failures.push((err as Error).message);
      }
      report.decodes++;
    }
    // setImmediate lets timers and I/O (polls, pushes) run between batches, as in a real consumer.
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    async stop() {
      running = false;
      await done;
      return report;
    },
  };
}

