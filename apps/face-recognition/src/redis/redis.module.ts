import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import {
  createRedisConnection,
  RedisReachability,
  safeRedisUrl,
  type RedisRole,
} from '@edgewatch/queues';
import { ROOT_LOGGER, type Logger } from '@edgewatch/telemetry';
import type { Redis } from 'ioredis';

import { FACE_RECOGNITION_CONFIG } from '../app.tokens';

/** Waits for Redis and resumes after an outage: the BullMQ worker and frame-store reads. */
export const REDIS_WORKER = Symbol('REDIS_WORKER');
/** Fails fast while Redis is away (no offline queue): recognition events, which are expendable. */
export const REDIS_PRODUCER = Symbol('REDIS_PRODUCER');

/** How long QUIT may take before the socket is dropped, in ms. */
const QUIT_DEADLINE_MS = 2_000;

/**
 * Owns the service's Redis connections and says, through RedisReachability, when Redis goes
 * away and comes back. They close at application shutdown, after every module's destroy
 * hook, so the BullMQ worker has stopped using them by then.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  readonly worker: Redis;
  readonly producer: Redis;
  readonly reachability: RedisReachability;
  private closing: Promise<void> | undefined;

  constructor(
    @Inject(FACE_RECOGNITION_CONFIG) config: FaceRecognitionConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    const roles: RedisRole[] = ['worker', 'producer'];
    this.reachability = new RedisReachability(safeRedisUrl(config.redis.url), roles, root, {
      whileUnreachable: 'no frames are recognised until it is',
    });
    this.worker = this.connect(config.redis.url, 'worker');
    this.producer = this.connect(config.redis.url, 'producer');
  }

  /** The Redis URL without its password, for logs and health details. */
  get safeUrl(): string {
    return this.reachability.safeUrl;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.all([quit(this.worker), quit(this.producer)]).then(() => undefined);
    return this.closing;
  }

  private connect(url: string, role: RedisRole): Redis {
    const redis = createRedisConnection({
      url,
      role,
      connectionName: `face-recognition:${role}`,
      onError: (error) => this.reachability.connectionFailed(role, error),
    });
    redis.on('ready', () => this.reachability.connectionReady(role));
    redis.on('close', () => this.reachability.connectionClosed(role));
    return redis;
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
