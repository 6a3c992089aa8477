import type { FileHandle } from 'node:fs/promises';
import { ByteWriter } from 'hyparquet-writer';
import { repairFooterAtEnd } from './footer-lists';

/**
 * hyparquet-writer's output buffer, emptied into a file after each row group (its
 * `flush` hook) and at the end (`finish`): memory holds at most one encoded row group,
 * not the whole file as `parquetWriteBuffer` would. At the end the footer is still in
 * the buffer, and its empty lists get their element types first (see footer-lists.ts).
 */
export class FileSink extends ByteWriter {
  constructor(private readonly handle: FileHandle) {
    super(64 * 1024);
  }

  async flush(): Promise<void> {
    let written = 0;
    while (written < this.index) {
      const { bytesWritten } = await this.handle.write(new Uint8Array(this.buffer, written, this.index - written));
      written += bytesWritten;
    }
    this.index = 0;
  }

  override async finish(): Promise<void> {
    repairFooterAtEnd(this.getBytes());
    await this.flush();
    await this.handle.close();
  }

  override getBuffer(): ArrayBuffer {
    throw new Error('FileSink streams to a file; it has no buffer to return');
  }
}
