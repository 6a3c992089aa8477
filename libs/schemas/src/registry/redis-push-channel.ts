import Redis from 'ioredis';
import type { Logger } from 'pino';

export const DEFAULT_SCHEMA_UPDATE_CHANNEL = 'eventpath:schema-updates';

export interface PushChannelHandlers {
  /** A message arrived: a source name, or `*` for all sources. */
  onMessage(payload: string): void;
  /** The subscription came back after a disconnect; messages sent meanwhile are lost. */
  onResubscribed(): void;
}

/**
 * Subscribes to a Redis pub/sub channel on which schema publishers announce
 * changes. Pub/sub does not keep messages for a disconnected subscriber, so
 * every reconnect is reported and the registry rechecks all sources.
 */
export class RedisPushChannel {
  private readonly redis: Redis;
  private subscribedOnce = false;
  private reportedDown = false;

  constructor(
    redisUrl: string,
    readonly channel: string,
    handlers: PushChannelHandlers,
    logger: Logger,
  ) {
    this.redis = new Redis(redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
    });
    this.redis.on('message', (_channel: string, payload: string) => handlers.onMessage(payload));
    this.redis.on('ready', () => {
      this.reportedDown = false;
      if (this.subscribedOnce) {
        logger.info({ channel }, 'schema push channel reconnected');
        handlers.onResubscribed();
      }
    });
    // ioredis reports every failed reconnect attempt; one line per outage is enough.
    this.redis.on('error', (err: Error) => {
      if (this.reportedDown) return;
      this.reportedDown = true;
      logger.warn({ channel, err: err.message }, 'schema push channel cannot reach Redis; polling continues');
    });
    this.redis
      .subscribe(channel)
      .then(() => {
        this.subscribedOnce = true;
      })
      .catch((err: Error) => logger.warn({ channel, err: err.message }, 'schema push channel could not subscribe'));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
