import type { RecognitionEvent } from '@edgewatch/queues';
import { Redis } from 'ioredis';

/** Reads the live `recognitions` stream as it grows, the way a dashboard would. */
export class RecognitionFeed {
  private readonly redis: Redis;
  private lastId = '$';
  private stopped = false;

  constructor(
    redisUrl: string,
    private readonly streamKey: string,
  ) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  }

  /** Calls `onEvent` for every new entry until `stop()`. */
  async follow(onEvent: (event: RecognitionEvent) => void): Promise<void> {
    while (!this.stopped) {
      const reply = await this.redis
        .xread('COUNT', 100, 'BLOCK', 1_000, 'STREAMS', this.streamKey, this.lastId)
        .catch(() => null);
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          this.lastId = id;
          const index = fields.indexOf('event');
          if (index >= 0) onEvent(JSON.parse(fields[index + 1] ?? '{}') as RecognitionEvent);
        }
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.redis.disconnect();
  }
}
