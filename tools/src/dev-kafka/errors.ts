/** Errors thrown by the dev Kafka broker's TypeScript side. */

/** gcc or the librdkafka headers and library are not installed. */
export class DevKafkaToolchainError extends Error {
  override readonly name = 'DevKafkaToolchainError';
  constructor(detail: string) {
    super(
      `Cannot build the dev Kafka launcher: ${detail}\n` +
        'Install the Debian packages gcc and librdkafka-dev ' +
        '(sudo apt-get install -y gcc librdkafka-dev), or run the project setup: npm run setup',
    );
  }
}

/** The launcher source did not compile although the toolchain is present. */
export class DevKafkaCompileError extends Error {
  override readonly name = 'DevKafkaCompileError';
  constructor(
    readonly sourcePath: string,
    readonly compilerOutput: string,
  ) {
    super(`Compiling ${sourcePath} failed:\n${compilerOutput}`);
  }
}

/** The launcher exited or stayed silent before reporting ready. */
export class DevKafkaStartError extends Error {
  override readonly name = 'DevKafkaStartError';
  constructor(
    reason: string,
    readonly stderrTail: string,
  ) {
    super(stderrTail ? `${reason}\nlauncher stderr:\n${stderrTail}` : reason);
  }
}

/** The launcher understood the command and refused it. */
export class DevKafkaCommandError extends Error {
  override readonly name = 'DevKafkaCommandError';
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`dev Kafka command "${command}" failed: ${reason}`);
  }
}

/** The control channel closed before the launcher answered. */
export class DevKafkaChannelClosedError extends Error {
  override readonly name = 'DevKafkaChannelClosedError';
  constructor(readonly command: string) {
    super(`dev Kafka control channel closed before the reply to "${command}"`);
  }
}
