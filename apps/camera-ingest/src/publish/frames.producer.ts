import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { CameraIngestConfig } from '@edgewatch/config';
import {
  createRedisConnection,
  FrameQueue,
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

/**
 * The producer side of the frames queue: one fail-fast Redis connection (no offline queue,
 * so a lost Redis never becomes a backlog in memory) and the capped FrameQueue. It says
 * clearly when Redis is unreachable and when it is back, without flooding the log while
 * ioredis keeps retrying.
 */
@Injectable()
export class FramesProducer implements OnApplicationShutdown {
  readonly connection: Redis;
  private readonly queue: FrameQueue;
  private readonly logger: Logger;
  private readonly logLimiter: LogRateLimiter;
  private readonly safeUrl: string;
  private reachable = false;
  private closing: Promise<void> | undefined;

  constructor(
    @Inject(CAMERA_INGEST_CONFIG) config: CameraIngestConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
  ) {
    this.logger = classLogger(rootLogger, FramesProducer.name);
    this.logLimiter = new LogRateLimiter(config.supervisor.logIntervalMs);
    this.safeUrl = safeRedisUrl(config.redis.url);
    this.connection = createRedisConnection({
      url: config.redis.url,
      role: 'producer',
      connectionName: 'camera-ingest:frames-producer',
      onError: (error) => this.onConnectionError(error),
    });
    this.connection.on('ready', () => this.onReady());
    this.queue = new FrameQueue(this.connection, {
      prefix: config.redis.prefix,
      capPerCamera: config.frames.capPerCamera,
      frameTtlMs: config.frames.freshnessMs * FRAME_TTL_FRESHNESS_MULTIPLE,
      onError: (error) => this.onQueueError(error),
    });
  }

  /** True while the connection is ready. */
  get isReachable(): boolean {
    return this.reachable;
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

  private onReady(): void {
    if (this.reachable) return;
    this.reachable = true;
    this.logger.info({ redisUrl: this.safeUrl }, `Redis at ${this.safeUrl} is reachable`);
  }

  /** Connection errors show here too; the connection's own handler already says them. */
  private onQueueError(error: Error): void {
    if (!this.reachable) return;
    const suppressed = this.logLimiter.take('queue-error');
    if (suppressed === null) return;
    this.logger.warn(
      { reason: error.message, suppressedSinceLastLine: suppressed },
      'frames queue error',
    );
  }

  private onConnectionError(error: Error): void {
    const wasReachable = this.reachable;
    this.reachable = this.connection.status === 'ready';
    const suppressed = wasReachable ? 0 : this.logLimiter.take('redis-unreachable');
    if (suppressed === null) return;

    this.logger.error(
      { redisUrl: this.safeUrl, reason: error.message, suppressedSinceLastLine: suppressed },
      `Redis at ${this.safeUrl} is not reachable; frames are dropped and counted until it is, retrying`,
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
