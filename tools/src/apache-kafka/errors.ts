/** Errors thrown by the Apache Kafka launcher. */

/** Java, or the broker's jars for the asked version, are not on this machine. */
export class ApacheKafkaNotInstalledError extends Error {
  override readonly name = 'ApacheKafkaNotInstalledError';
}

/** A node exited, or did not answer metadata, before it was ready. */
export class ApacheKafkaStartError extends Error {
  override readonly name = 'ApacheKafkaStartError';
  constructor(
    reason: string,
    readonly logTail: string,
  ) {
    super(logTail ? `${reason}\nlast lines of the broker's log:\n${logTail}` : reason);
  }
}

/** A command named a node this cluster does not have, or one in the wrong state. */
export class ApacheKafkaNodeError extends Error {
  override readonly name = 'ApacheKafkaNodeError';
}
