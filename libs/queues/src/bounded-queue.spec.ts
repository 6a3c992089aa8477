import { BoundedQueue } from './bounded-queue';
import { QueueClosedError } from './errors';
import { seededRandom } from '@eventpath/dev-infra';
import { isSettled, sleep } from './test-support/async-helpers';

describe('BoundedQueue', () => {
  it('delivers items in order and makes put wait while the queue is full', async () => {
    const queue = new BoundedQueue<number>({ capacity: 2 });
    await queue.put(1);
    await queue.put(2);
    const third = queue.put(3);
    expect(await isSettled(third)).toBe(false);
    expect(queue.size).toBe(2);

    expect(await queue.take()).toEqual({ done: false, value: 1 });
    expect(await isSettled(third)).toBe(true);
    expect(await queue.take()).toEqual({ done: false, value: 2 });
    expect(await queue.take()).toEqual({ done: false, value: 3 });
  });

  it('makes take wait while the queue is empty and hands the next put straight to it', async () => {
    const queue = new BoundedQueue<string>({ capacity: 1 });
    const taken = queue.take();
    expect(await isSettled(taken)).toBe(false);
    await queue.put('a');
    expect(await taken).toEqual({ done: false, value: 'a' });
    expect(queue.size).toBe(0);
  });

  it('bounds total bytes, keeps waiting producers in order and admits one oversized item into an empty queue', async () => {
    const queue = new BoundedQueue<Buffer>({ capacity: 100, maxBytes: 10, sizeOf: (b) => b.length });
    await queue.put(Buffer.alloc(6));
    const big = queue.put(Buffer.alloc(5));
    const small = queue.put(Buffer.alloc(1));
    // The 1-byte item would fit, but it may not overtake the waiting 5-byte one.
    expect(await isSettled(big)).toBe(false);
    expect(await isSettled(small)).toBe(false);
    expect(queue.byteSize).toBe(6);

    await queue.take();
    expect(await isSettled(big)).toBe(true);
    expect(await isSettled(small)).toBe(true);
    expect(queue.byteSize).toBe(6);
    await queue.take();
    await queue.take();

    await queue.put(Buffer.alloc(50));
    expect(queue.byteSize).toBe(50);
    const next = queue.put(Buffer.alloc(1));
    expect(await isSettled(next)).toBe(false);
    expect((await queue.take()).value).toHaveLength(50);
    await next;
  });

  it('after close, delivers everything put before it (waiting puts included), then reports the end', async () => {
    const queue = new BoundedQueue<number>({ capacity: 1 });
    await queue.put(1);
    const waitingPut = queue.put(2);
    queue.close();
    await expect(queue.put(3)).rejects.toBeInstanceOf(QueueClosedError);

    expect(await queue.take()).toEqual({ done: false, value: 1 });
    await waitingPut;
    expect(await queue.take()).toEqual({ done: false, value: 2 });
    expect(await queue.take()).toEqual({ done: true, value: undefined });
    expect(await queue.take()).toEqual({ done: true, value: undefined });
  });

  it('ends takers that were already waiting when it closes', async () => {
    const queue = new BoundedQueue<number>({ capacity: 1 });
    const waiting = [queue.take(), queue.take()];
    queue.close();
    await expect(Promise.all(waiting)).resolves.toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
  });

  it('propagates a failure to waiting and future producers and consumers alike', async () => {
    const full = new BoundedQueue<number>({ capacity: 1 });
    await full.put(1);
    const waitingPut = full.put(2);
    const empty = new BoundedQueue<number>({ capacity: 1 });
    const waitingTake = empty.take();

    const boom = new Error('stage crashed');
    full.fail(boom);
    empty.fail(boom);
    await expect(waitingPut).rejects.toBe(boom);
    await expect(waitingTake).rejects.toBe(boom);
    // Queued items are not delivered after a failure.
    await expect(full.take()).rejects.toBe(boom);
    await expect(full.put(3)).rejects.toBe(boom);
    await expect(empty.take()).rejects.toBe(boom);
  });

  it('cancels a waiting put with its AbortSignal: the item never enters the queue', async () => {
    const queue = new BoundedQueue<string>({ capacity: 1 });
    await queue.put('kept');
    const controller = new AbortController();
    const cancelled = queue.put('cancelled', controller.signal);
    const later = queue.put('later');
    controller.abort(new Error('shutting down'));
    await expect(cancelled).rejects.toThrow('shutting down');

    expect((await queue.take()).value).toBe('kept');
    await later;
    expect((await queue.take()).value).toBe('later');
    expect(queue.size).toBe(0);
  });

  it('cancels a waiting take with its AbortSignal without losing the next item', async () => {
    const queue = new BoundedQueue<string>({ capacity: 1 });
    const controller = new AbortController();
    const cancelled = queue.take(controller.signal);
    controller.abort(new Error('stop'));
    await expect(cancelled).rejects.toThrow('stop');
    await queue.put('x');
    expect(await queue.take()).toEqual({ done: false, value: 'x' });
    await expect(queue.take(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('admits a smaller waiting item once a larger one ahead of it is cancelled', async () => {
    const queue = new BoundedQueue<Buffer>({ capacity: 10, maxBytes: 10, sizeOf: (b) => b.length });
    await queue.put(Buffer.alloc(8));
    const controller = new AbortController();
    const large = queue.put(Buffer.alloc(5), controller.signal);
    const small = queue.put(Buffer.alloc(2));
    controller.abort(new Error('gave up'));
    await expect(large).rejects.toThrow('gave up');
    expect(await isSettled(small)).toBe(true);
    expect(queue.byteSize).toBe(10);
  });

  it('is async-iterable until closed', async () => {
    const queue = new BoundedQueue<number>({ capacity: 2 });
    const producer = (async () => {
      for (let i = 0; i < 5; i++) await queue.put(i);
      queue.close();
    })();
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    await producer;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects invalid options', () => {
    expect(() => new BoundedQueue({ capacity: 0 })).toThrow(RangeError);
    expect(() => new BoundedQueue({ capacity: 1, maxBytes: 10 })).toThrow(/sizeOf/);
  });

  it('property: with random speeds and several producers and consumers, every item arrives once, in per-producer order, and the bounds always hold', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const random = seededRandom(seed);
      const capacity = 1 + Math.floor(random() * 5);
      const maxBytes = 20 + Math.floor(random() * 30);
      const queue = new BoundedQueue<{ producer: number; seq: number; bytes: number }>({
        capacity,
        maxBytes,
        sizeOf: (item) => item.bytes,
      });
      const producers = 1 + Math.floor(random() * 3);
      const consumers = 1 + Math.floor(random() * 3);
      const perProducer = 60;
      let maxSize = 0;
      let maxBytesSeen = 0;
      const received: Array<{ producer: number; seq: number }> = [];
      const pause = () => (random() < 0.3 ? sleep(Math.floor(random() * 3)) : Promise.resolve());

      const producing = Array.from({ length: producers }, async (_, producer) => {
        for (let seq = 0; seq < perProducer; seq++) {
          await queue.put({ producer, seq, bytes: 1 + Math.floor(random() * 12) });
          maxSize = Math.max(maxSize, queue.size);
          // An item is only over the byte bound when it is alone in the queue.
          if (queue.size > 1) maxBytesSeen = Math.max(maxBytesSeen, queue.byteSize);
          await pause();
        }
      });
      const consuming = Array.from({ length: consumers }, async () => {
        for await (const item of queue) {
          received.push({ producer: item.producer, seq: item.seq });
          await pause();
        }
      });
      await Promise.all(producing);
      queue.close();
      await Promise.all(consuming);

      expect({ seed, count: received.length }).toEqual({ seed, count: producers * perProducer });
      for (let producer = 0; producer < producers; producer++) {
        const seqs = received.filter((r) => r.producer === producer).map((r) => r.seq);
        expect({ seed, producer, seqs }).toEqual({ seed, producer, seqs: [...Array(perProducer).keys()] });
      }
      expect({ seed, withinCapacity: maxSize <= capacity }).toEqual({ seed, withinCapacity: true });
      expect({ seed, withinBytes: maxBytesSeen <= maxBytes }).toEqual({ seed, withinBytes: true });
    }
  });
});
