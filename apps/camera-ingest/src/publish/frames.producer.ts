import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { CameraIngestConfig } from '@edgewatch/config';
import {
  createRedisConnection,
  FrameQueue,
  RedisReachability,
  safeRedisUrl,
  type PutFrameResult,
  type StoredFrame,
} from '@edgewatch/queues';
import { classLogger, LogRateLimiter, ROOT_LOGGER, type Logger } from '@edgewatch/telemetry';
import type { Redis } from 'ioredis';

import { CAMERA_INGEST_CONFIG } from '../app/camera-ingest.tokens';

/** Waiting frames outlive their freshness by this factor before Redis expires them. */
const FRAME_TTL_FRESHNESS_MULTIPLE = 10;
/** Closing the queue and the connection may not take longer, in ms (bullmq#4656). */
const CLOSE_DEADLINE_MS = 3_000;
/** The one connection RedisReachability follows here. */
const PRODUCER_CONNECTION = 'producer';

/**
 * The producer side of the frames queue: one fail-fast Redis connection (no offline queue,
 * so a lost Redis never becomes a backlog in memory) and the capped FrameQueue. Its
 * RedisReachability says when Redis is unreachable and when it is back, without flooding the
 * log while ioredis keeps retrying.
 */
@Injectable()
export class FramesProducer implements OnApplicationShutdown {
  readonly connection: Redis;
  readonly reachability: RedisReachability;
  private readonly queue: FrameQueue;
  private readonly logger: Logger;
  private readonly queueErrorLog: LogRateLimiter;
  private closing: Promise<void> | undefined;

  constructor(
    @Inject(CAMERA_INGEST_CONFIG) config: CameraIngestConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = classLogger(rootLogger, FramesProducer.name);
    this.queueErrorLog = new LogRateLimiter(config.supervisor.logIntervalMs);
    this.reachability = new RedisReachability(
      safeRedisUrl(config.redis.url),
      [PRODUCER_CONNECTION],
      rootLogger,
      {
        repeatIntervalMs: config.supervisor.logIntervalMs,
        whileUnreachable: 'frames are dropped and counted until it is',
      },
    );
    this.connection = createRedisConnection({
      url: config.redis.url,
      role: 'producer',
      connectionName: 'camera-ingest:frames-producer',
      onError: (error) => this.reachability.connectionFailed(PRODUCER_CONNECTION, error),
    });
    this.connection.on('ready', () => this.reachability.connectionReady(PRODUCER_CONNECTION));
    this.connection.on('close', () => this.reachability.connectionClosed(PRODUCER_CONNECTION));
    this.queue = new FrameQueue(this.connection, {
      prefix: config.redis.prefix,
      capPerCamera: config.frames.capPerCamera,
      frameTtlMs: config.frames.freshnessMs * FRAME_TTL_FRESHNESS_MULTIPLE,
      onError: (error) => this.onQueueError(error),
    });
  }

  /** The capped add; rejects at once while Redis is unreachable. */
  add(frame: StoredFrame): Promise<PutFrameResult> {
    return this.queue.add(frame);
  }

  backlog(cameraId: string): Promise<number> {
    return this.queue.backlog(cameraId);
  }

  /** Closes the queue, then the connection, each within a deadline. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeAll();
    return this.closing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async closeAll(): Promise<void> {
    const queueClosed = await withDeadline(this.queue.close(), CLOSE_DEADLINE_MS).catch(
      (error: unknown) => {
        this.logger.warn({ err: error }, 'frames queue did not close cleanly');
        return false;
      },
    );
    const quit = await withDeadline(this.connection.quit(), CLOSE_DEADLINE_MS).catch(() => false);
    if (!quit) this.connection.disconnect();
    this.logger.info({ queueClosed, quit }, 'frames producer closed');
  }

  /** Connection errors show here too; the reachability already says them. */
  private onQueueError(error: Error): void {
    if (this.reachability.state !== 'reachable') return;
    const suppressed = this.queueErrorLog.take('queue-error');
    if (suppressed === null) return;
    this.logger.warn(
      { reason: error.message, suppressedSinceLastLine: suppressed },
      'frames queue error',
    );
  }
}

/** Resolves true when `work` settles in time, false when the deadline passes first. */
async function withDeadline(work: Promise<unknown>, deadlineMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  try {
    return await Promise.race([work.then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
