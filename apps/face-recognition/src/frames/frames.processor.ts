import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import {
  FrameStore,
  framesQueueOptions,
  QueueName,
  type FramesWaitingJob,
} from '@edgewatch/queues';
import { classLogger, LogRateLimiter, ROOT_LOGGER, type Logger } from '@edgewatch/telemetry';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

import { FACE_RECOGNITION_CONFIG } from '../app.tokens';
import { InferenceService } from '../inference/inference.service';
import { RedisConnections, REDIS_WORKER } from '../redis/redis.module';

import { FrameRecogniser, type FrameOutcome } from './frame.recogniser';

/**
 * Worker.close() can wait forever while Redis is
 * unreachable (bullmq#4656); this bounds it, in ms.
 */
export const WORKER_CLOSE_DEADLINE_MS = 5_000;

/** What one `frames` job did, as its return value. */
export interface FramesJobSummary {
  cameraId: string;
  taken: number;
  outcomes: Partial<Record<FrameOutcome['kind'], number>>;
}

/**
 * Consumes the `frames` queue: one token job per camera; each job takes that camera's
 * waiting frames from the frame store, oldest first. Concurrency 1, because inference runs
 * one image at a time anyway. Starts once the models are loaded.
 */
@Injectable()
export class FramesProcessor implements OnModuleInit, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly errorLog = new LogRateLimiter(30_000);
  private readonly store: FrameStore;
  private readonly worker: Worker<FramesWaitingJob, FramesJobSummary>;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly recogniser: FrameRecogniser,
    private readonly inference: InferenceService,
    @Inject(REDIS_WORKER) redis: Redis,
    private readonly connections: RedisConnections,
    @Inject(FACE_RECOGNITION_CONFIG) private readonly config: FaceRecognitionConfig,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = classLogger(root, FramesProcessor.name);
    // The TTL only matters to the producer, which writes; this side only takes.
    this.store = new FrameStore(redis, {
      prefix: config.redis.prefix,
      capPerCamera: config.framesPerCameraCap,
      ttlMs: config.frameFreshnessMs,
    });
    this.worker = new Worker<FramesWaitingJob, FramesJobSummary>(
      QueueName.frames,
      (job) => this.processJob(job),
      {
        ...framesQueueOptions(config.redis.prefix),
        connection: redis,
        concurrency: 1,
        autorun: false,
        // Inference runs in its own thread, so lock renewal is never starved; a job still
        // keeps its lock through one whole inference timeout per frame it may take.
        lockDuration: Math.max(30_000, 2 * config.inferenceTimeoutMs),
      },
    );
    this.worker.on('error', (error: Error) => this.onWorkerError(error));
    this.worker.on('failed', (job, error: Error) => {
      this.logger.error(
        { cameraId: job?.data.cameraId, jobId: job?.id, err: error },
        'frames job failed',
      );
    });
  }

  onModuleInit(): void {
    void this.inference.whenReady().then(() => this.run());
  }

  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  get isRunning(): boolean {
    return this.worker.isRunning();
  }

  /**
   * Stops taking jobs and waits for the active one, within WORKER_CLOSE_DEADLINE_MS. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private run(): void {
    if (this.closing || this.worker.isRunning()) return;

    this.logger.info(
      {
        queue: QueueName.frames,
        prefix: this.config.redis.prefix,
        framesPerJob: this.config.framesPerCameraCap,
      },
      'frames worker started',
    );
    this.worker.run().catch((error: unknown) => {
      this.logger.error({ err: error }, 'frames worker stopped');
    });
  }

  /**
   * Connection errors are RedisConnections' to say, once per outage; the worker repeats
   * them, and its blocking connection (a duplicate the reachability does not follow) raises
   * socket errors of its own at the same moments.
   */
  private onWorkerError(error: Error): void {
    if (this.connections.reachability.state !== 'reachable') return;
    if ('syscall' in error) return;

    const suppressed = this.errorLog.take('worker');
    if (suppressed !== null) this.logger.warn({ err: error, suppressed }, 'frames worker error');
  }

  private async processJob(job: Job<FramesWaitingJob>): Promise<FramesJobSummary> {
    const { cameraId } = job.data;
    const summary: FramesJobSummary = { cameraId, taken: 0, outcomes: {} };

    // Bounded by the store's cap: what waited when the job started. Frames added meanwhile
    // bring a follow-up token (deduplication keeps one while this job is active).
    for (let index = 0; index < this.config.framesPerCameraCap; index++) {
      const frame = await this.store.takeOldest(cameraId);
      if (frame === null) break;

      summary.taken += 1;
      const outcome = await this.recogniser.process(frame);
      summary.outcomes[outcome.kind] = (summary.outcomes[outcome.kind] ?? 0) + 1;
    }
    return summary;
  }

  private async shutDown(): Promise<void> {
    const startedAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), WORKER_CLOSE_DEADLINE_MS);
    });
    const closed = this.worker.close().then(() => 'closed' as const);
    const outcome = await Promise.race([closed, deadline]).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'frames worker close failed');
      return 'failed' as const;
    });
    clearTimeout(timer);

    if (outcome !== 'closed') {
      this.logger.warn(
        { deadlineMs: WORKER_CLOSE_DEADLINE_MS, outcome },
        'frames worker did not close in time; forcing',
      );
      // Not awaited: with Redis unreachable a forced close can hang as well.
      void this.worker.close(true).catch(() => undefined);
    }
    this.logger.info({ outcome, durationMs: Date.now() - startedAt }, 'frames worker stopped');
  }
}
