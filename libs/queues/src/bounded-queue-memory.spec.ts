import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BoundedQueue } from './bounded-queue';

// Jest cannot pass --expose-gc to its workers; turning the flag on at run time
// and fetching `gc` from a fresh context gives the same full collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of ArrayBuffers (Buffers included) still alive after full collections. */
async function retainedArrayBufferBytes(): Promise<number> {
  let least = Infinity;
  // Backing stores may be released after the collection; take the lowest of a few readings.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    least = Math.min(least, process.memoryUsage().arrayBuffers);
  }
  return least;
}

const MiB = 1024 * 1024;

describe('BoundedQueue retained memory', () => {
  it('does not keep an item reachable once it was taken', async () => {
    const queue = new BoundedQueue<object>({ capacity: 100 });
    const refs: Array<WeakRef<object>> = [];
    for (let i = 0; i < 20; i++) {
      const item = { i };
      refs.push(new WeakRef(item));
      await queue.put(item);
    }
    for (let i = 0; i < 15; i++) await queue.take();
    await retainedArrayBufferBytes(); // collects

    const alive = refs.map((ref) => ref.deref() !== undefined);
    // The five still queued are alive; the fifteen taken are gone.
    expect(alive).toEqual([...Array(15).fill(false), ...Array(5).fill(true)]);
    expect(queue.size).toBe(5);
  });

  it('holds no more Buffer memory than maxBytes after many items went through it', async () => {
    const maxBytes = 4 * MiB;
    const itemBytes = 64 * 1024;
    const queue = new BoundedQueue<Buffer>({ capacity: 1000, maxBytes, sizeOf: (b) => b.length });
    const baseline = await retainedArrayBufferBytes();

    // 3,000 items of 64 KiB (~190 MiB in total) through a queue kept full at 4 MiB.
    // allocUnsafeSlow leaves the pages untouched, so the machine's memory is not used up.
    let taken = 0;
    for (let i = 0; i < 3000; i++) {
      if (queue.byteSize + itemBytes > maxBytes) {
        await queue.take();
        taken += 1;
      }
      await queue.put(Buffer.allocUnsafeSlow(itemBytes));
    }
    expect(queue.byteSize).toBe(maxBytes);

    const retained = (await retainedArrayBufferBytes()) - baseline;
    expect({ taken, queued: queue.byteSize }).toEqual({ taken: 3000 - maxBytes / itemBytes, queued: maxBytes });
    // The queue's logical bound is 4 MiB; what it keeps alive may exceed that by little.
    expect(retained).toBeLessThanOrEqual(maxBytes + MiB);

    queue.close();
    while (!(await queue.take()).done) taken += 1;
    expect(taken).toBe(3000);
    expect(await retainedArrayBufferBytes()).toBeLessThanOrEqual(baseline + MiB);
  });
});
