import { Inject, Injectable } from '@nestjs/common';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import { RecognitionStream, type RecognitionEvent } from '@edgewatch/queues';
import {
  classLogger,
  LogRateLimiter,
  METRICS_REGISTRY,
  ROOT_LOGGER,
  type Logger,
} from '@edgewatch/telemetry';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';

import { FACE_RECOGNITION_CONFIG } from '../app.tokens';
import { REDIS_PRODUCER } from '../redis/redis.module';

/**
 * Publishes recognitions to the capped live-feed stream and logs each one. The feed is
 * expendable: while Redis is away an event is counted and dropped, never queued in memory.
 */
@Injectable()
export class RecognitionPublisher {
  readonly stream: RecognitionStream;
  private readonly logger: Logger;
  private readonly failureLog = new LogRateLimiter(30_000);
  private readonly publishFailures: Counter;

  constructor(
    @Inject(REDIS_PRODUCER) redis: Redis,
    @Inject(FACE_RECOGNITION_CONFIG) config: FaceRecognitionConfig,
    @Inject(ROOT_LOGGER) root: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.logger = classLogger(root, RecognitionPublisher.name);
    this.stream = new RecognitionStream(
      redis,
      config.redis.prefix,
      config.recognitionsStreamMaxLen,
    );
    this.publishFailures = new Counter({
      name: 'edgewatch_recognitions_publish_failed_total',
      help: 'Recognition events not written to the stream (Redis unavailable); they are dropped.',
      registers: [registry],
    });
  }

  /** Returns whether the event reached the stream. */
  async publish(event: RecognitionEvent): Promise<boolean> {
    this.logger.info(
      {
        cameraId: event.cameraId,
        memberId: event.memberId,
        name: event.name,
        distance: event.distance === null ? null : Number(event.distance.toFixed(4)),
        box: event.box,
        capturedAt: new Date(event.capturedAt).toISOString(),
        latencyMs: event.latencyMs,
        frameSequence: event.frameSequence,
      },
      event.memberId === 'unknown' ? 'unknown face' : `recognised ${event.name}`,
    );

    try {
      await this.stream.publish(event);
      return true;
    } catch (error: unknown) {
      this.publishFailures.inc();
      const suppressed = this.failureLog.take('publish');
      if (suppressed !== null) {
        this.logger.warn({ err: error, suppressed }, 'recognition not published; dropped');
      }
      return false;
    }
  }
}
