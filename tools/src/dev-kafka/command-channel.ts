import { DevKafkaChannelClosedError } from './errors';

/** A launcher reply: `{"ok":true,...}` or `{"ok":false,"error":"..."}`. */
export type DevKafkaReply = { ok: true; [field: string]: unknown } | { ok: false; error: string };

interface PendingCommand {
  command: string;
  resolve(reply: DevKafkaReply): void;
  reject(error: Error): void;
}

/**
 * Request and reply over one line-oriented connection to the launcher (its
 * stdin and stdout, or a control-port socket). The launcher runs a
 * connection's commands one by one and answers each with exactly one line, in
 * order, so the n-th reply belongs to the n-th command sent.
 */
export class CommandChannel {
  private readonly pending: PendingCommand[] = [];
  private closed = false;

  constructor(private readonly writeLine: (line: string) => void) {}

  /** Sends one command line; resolves with the launcher's reply, whether ok or not. */
  send(command: string): Promise<DevKafkaReply> {
    if (/[\r\n]/.test(command)) {
      return Promise.reject(new TypeError(`a dev Kafka command is one line: ${JSON.stringify(command)}`));
    }
    if (this.closed) return Promise.reject(new DevKafkaChannelClosedError(command));
    return new Promise((resolve, reject) => {
      this.pending.push({ command, resolve, reject });
      this.writeLine(`${command}\n`);
    });
  }

  /** Hands over one line the launcher wrote. */
  receive(line: string): void {
    const next = this.pending.shift();
    if (!next) return;
    try {
      next.resolve(parseReply(line));
    } catch (error) {
      next.reject(error as Error);
    }
  }

  /** The connection ended: commands still waiting will never be answered. */
  close(): void {
    this.closed = true;
    for (const waiting of this.pending.splice(0)) {
      waiting.reject(new DevKafkaChannelClosedError(waiting.command));
    }
  }
}

function parseReply(line: string): DevKafkaReply {
  const reply: unknown = JSON.parse(line);
  if (typeof reply !== 'object' || reply === null || typeof (reply as { ok?: unknown }).ok !== 'boolean') {
    throw new SyntaxError(`not a dev Kafka reply: ${line}`);
  }
  return reply as DevKafkaReply;
}
