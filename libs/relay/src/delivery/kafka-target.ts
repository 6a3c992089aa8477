import type { Kafka } from 'kafkajs';
import { BatchingProducer, type BatchingProducerOptions } from '@eventpath/queues';
import { ConnectOnDemand } from './connect-on-demand';
import { IsolatedSender } from './isolated-sender';
import { RecordDelivery, type RecordDeliveryOptions, type RecordSender } from './record-delivery';

export interface KafkaTargetOptions extends RecordDeliveryOptions {
  /** The cluster's role, for logs, metrics and dead-letter headers: `mainstream`, `fronting`. */
  name: string;
  /** Settings of the producers (acks stay -1 unless set). */
  producer?: BatchingProducerOptions;
}

/**
 * A cluster records are delivered to: a coalescing producer shared by every
 * sender, a second producer of its own for finding refused records, and the
 * {@link RecordDelivery} that uses both. The producers connect on first use
 * (and again until that works), so a cluster that is down when the worker
 * starts is just another failed send, retried.
 */
export class KafkaTarget {
  readonly name: string;
  readonly producer: BatchingProducer;
  readonly isolated: IsolatedSender;
  readonly delivery: RecordDelivery;
  private readonly producerConnection: ConnectOnDemand;
  private readonly isolatedConnection: ConnectOnDemand;

  constructor(kafka: Kafka, options: KafkaTargetOptions) {
    this.name = options.name;
    this.producer = new BatchingProducer(kafka, { acks: -1, ...options.producer });
    this.isolated = new IsolatedSender(kafka, { acks: -1, ...options.producer });
    this.producerConnection = new ConnectOnDemand(() => this.producer.connect());
    this.isolatedConnection = new ConnectOnDemand(() => this.isolated.connect());
    this.delivery = new RecordDelivery(
      connectedSender(this.producer, this.producerConnection),
      connectedSender(this.isolated, this.isolatedConnection),
      options,
    );
  }

  /** Whether the shared producer has connected. */
  get isConnected(): boolean {
    return this.producerConnection.isConnected;
  }

  /** Connects the shared producer now (the isolated one connects when first needed); rejects when the cluster cannot be reached. */
  connect(): Promise<void> {
    return this.producerConnection.ensure();
  }

  async disconnect(): Promise<void> {
    const connected = [this.producerConnection.isConnected, this.isolatedConnection.isConnected];
    this.producerConnection.close();
    this.isolatedConnection.close();
    await Promise.all([connected[0] ? this.producer.disconnect() : undefined, connected[1] ? this.isolated.disconnect() : undefined]);
  }
}

function connectedSender(sender: RecordSender, connection: ConnectOnDemand): RecordSender {
  return {
    send: async (topic, messages) => {
      await connection.ensure();
      return sender.send(topic, messages);
    },
  };
}
