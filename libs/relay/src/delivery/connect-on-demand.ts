/**
 * Connects a client the first time it is needed, and again after a failed
 * attempt: a worker that starts while a cluster is down must not exit (or
 * send through a client that never connected, which kafkajs refuses for
 * good); its first send after the cluster returns connects it. kafkajs
 * reconnects by itself once connected.
 */
export class ConnectOnDemand {
  private connected = false;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly connectClient: () => Promise<void>) {}

  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects unless connected; concurrent callers share one attempt. Rejects when it fails (the next call tries again). */
  ensure(): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the client was disconnected on purpose'));
    this.connecting ??= this.connectClient().then(
      () => {
        this.connected = true;
        this.connecting = undefined;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  /** No more connecting: after a deliberate disconnect. */
  close(): void {
    this.closed = true;
    this.connected = false;
  }
}
