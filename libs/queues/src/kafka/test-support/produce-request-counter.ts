import type { Producer } from 'kafkajs';
import type { BatchingProducer } from '../batching-producer';

/** Counts the Produce requests a BatchingProducer's kafkajs producer sends, i.e. how many requests its sends became. */
export function countProduceRequests(producer: BatchingProducer): () => number {
  let requests = 0;
  const inner = (producer as unknown as { producer: Producer }).producer;
  inner.on(inner.events.REQUEST, ({ payload }) => {
    if (payload.apiName === 'Produce') requests += 1;
  });
  return () => requests;
}
