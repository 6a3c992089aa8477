import { Writable } from 'node:stream';

/** A log destination the test can read: one parsed JSON object per line. */
export class CapturedLogs extends Writable {
  readonly lines: Record<string, unknown>[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
    callback();
  }

  find(message: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === message);
  }
}
