import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import { createRedisConnection } from '@edgewatch/queues';
import { classLogger, LogRateLimiter, ROOT_LOGGER, type Logger } from '@edgewatch/telemetry';
import type { Redis } from 'ioredis';

import { FACE_RECOGNITION_CONFIG } from '../app.tokens';

/** Waits for Redis and resumes after an outage: the BullMQ worker and frame-store reads. */
export const REDIS_WORKER = Symbol('REDIS_WORKER');
/** Fails fast while Redis is away (no offline queue): recognition events, which are expendable. */
export const REDIS_PRODUCER = Symbol('REDIS_PRODUCER');

/** How long QUIT may take before the socket is dropped, in ms. */
const QUIT_DEADLINE_MS = 2_000;

/**
 * Owns the service's Redis connections. They close at application shutdown, after every
 * module's destroy hook, so the BullMQ worker has stopped using them by then.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  readonly worker: Redis;
  readonly producer: Redis;
  private readonly logger: Logger;
  private readonly errorLog = new LogRateLimiter(30_000);
  private closing: Promise<void> | undefined;

  constructor(
    @Inject(FACE_RECOGNITION_CONFIG) config: FaceRecognitionConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = classLogger(root, RedisConnections.name);
    const onError = (role: string) => (error: Error) => {
      const suppressed = this.errorLog.take(role);
      if (suppressed !== null)
        this.logger.warn({ role, err: error, suppressed }, 'redis connection error');
    };
    this.worker = createRedisConnection({
      url: config.redis.url,
      role: 'worker',
      connectionName: 'face-recognition:worker',
      onError: onError('worker'),
    });
    this.producer = createRedisConnection({
      url: config.redis.url,
      role: 'producer',
      connectionName: 'face-recognition:producer',
      onError: onError('producer'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.all([quit(this.worker), quit(this.producer)]).then(() => undefined);
    return this.closing;
  }
}

async function quit(redis: Redis): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, QUIT_DEADLINE_MS);
  });
  await Promise.race([redis.quit().catch(() => undefined), deadline]);
  clearTimeout(timer);
  redis.disconnect();
}

@Global()
@Module({
  providers: [
    RedisConnections,
    {
      provide: REDIS_WORKER,
      inject: [RedisConnections],
      useFactory: (c: RedisConnections) => c.worker,
    },
    {
      provide: REDIS_PRODUCER,
      inject: [RedisConnections],
      useFactory: (c: RedisConnections) => c.producer,
    },
  ],
  exports: [RedisConnections, REDIS_WORKER, REDIS_PRODUCER],
})
export class RedisModule {}
