import type { Redis } from 'ioredis';

import type { RecognitionEvent } from './payloads';
import { StreamName } from './queue-names';

/** Writes recognitions to the capped live-feed stream; the oldest entries are trimmed. */
export class RecognitionStream {
  readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly maxLen: number,
  ) {
    this.key = recognitionStreamKey(prefix);
  }

  /** Appends one event; returns its stream id. */
  async publish(event: RecognitionEvent): Promise<string> {
    const id = await this.redis.xadd(
      this.key,
      'MAXLEN',
      '=',
      this.maxLen,
      '*',
      'event',
      JSON.stringify(event),
    );
    return id ?? '';
  }

  async length(): Promise<number> {
    return this.redis.xlen(this.key);
  }

  /** The newest `count` events, newest first. */
  async newest(count: number): Promise<RecognitionEvent[]> {
    const entries = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', count);
    return entries.map(([, fields]) => JSON.parse(fields[1] ?? '{}') as RecognitionEvent);
  }
}

/** The Redis key of the recognitions stream for a key prefix. */
export function recognitionStreamKey(prefix: string): string {
  return `${prefix}:stream:${StreamName.recognitions}`;
}
