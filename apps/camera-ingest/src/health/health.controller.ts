import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { CameraIngestConfig } from '@edgewatch/config';
import {
  EventLoopHealthIndicator,
  FreshnessHealthIndicator,
  MemoryLimitHealthIndicator,
  RedisHealthIndicator,
} from '@edgewatch/health';

import { CAMERA_INGEST_CONFIG } from '../app/camera-ingest.tokens';
import { CaptureService } from '../capture/capture.service';
import { FramesProducer } from '../publish/frames.producer';

/**
 * Liveness says the process itself works (a watchdog restarts it otherwise); readiness
 * says frames flow: Redis answers and every camera delivered a frame within the stall
 * timeout, so dead capture shows even while its process is up.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(CAMERA_INGEST_CONFIG) private readonly config: CameraIngestConfig,
    private readonly health: HealthCheckService,
    private readonly eventLoop: EventLoopHealthIndicator,
    private readonly memory: MemoryLimitHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly freshness: FreshnessHealthIndicator,
    private readonly capture: CaptureService,
    private readonly producer: FramesProducer,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => this.eventLoop.check('eventLoop'),
      () => this.memory.check('memory'),
    ]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () =>
        this.redis.check('redis', this.producer.connection, {
          reachability: this.producer.reachability,
        }),
      () =>
        this.freshness.check(
          'cameraFrames',
          this.capture.lastFrameTimes(),
          this.config.supervisor.stallTimeoutMs,
        ),
    ]);
  }
}
