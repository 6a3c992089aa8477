import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { CommandChannel } from './command-channel';
import { devKafkaControl, type DevKafkaControl } from './dev-kafka-control';

export interface DevKafkaControlClient extends DevKafkaControl {
  /** Closes this connection; the broker keeps running. */
  close(): Promise<void>;
}

/**
 * Connects to a running launcher's control port, so a process other than the
 * one that started the broker (another Jest worker, a child process) can take
 * brokers down, create topics and so on.
 */
export function connectDevKafkaControl(port: number, host = '127.0.0.1'): Promise<DevKafkaControlClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      // Later socket errors end the connection; waiting commands then
      // reject through the channel's close.
      socket.on('error', () => undefined);
      const channel = new CommandChannel((line) => socket.write(line));
      const lines = createInterface({ input: socket, crlfDelay: Infinity });
      lines.on('line', (line) => channel.receive(line));
      lines.on('close', () => channel.close());
      const closed = new Promise<void>((done) => socket.once('close', () => done()));
      resolve({
        ...devKafkaControl(channel),
        close: async () => {
          socket.end();
          await closed;
        },
      });
    });
  });
}
