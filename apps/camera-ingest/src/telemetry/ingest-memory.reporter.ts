import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { CameraIngestConfig } from '@edgewatch/config';
import {
  classLogger,
  MemorySampler,
  METRICS_REGISTRY,
  ROOT_LOGGER,
  type Logger,
} from '@edgewatch/telemetry';
import type { Registry } from 'prom-client';

import { CAMERA_INGEST_CONFIG } from '../app/camera-ingest.tokens';
import { CaptureService } from '../capture/capture.service';
import { FramesProducer } from '../publish/frames.producer';

/** The periodic memory line, with the live ffmpeg count and each camera's queue backlog. */
@Injectable()
export class IngestMemoryReporter implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly sampler: MemorySampler;

  constructor(
    @Inject(CAMERA_INGEST_CONFIG) private readonly config: CameraIngestConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
    capture: CaptureService,
    producer: FramesProducer,
  ) {
    const logger: Logger = classLogger(rootLogger, IngestMemoryReporter.name);
    this.sampler = new MemorySampler(logger, registry, {
      childProcesses: () => capture.liveFfmpegCount(),
      queueDepths: async () => {
        const entries = await Promise.all(
          capture
            .cameraIds()
            .map(async (cameraId) => [cameraId, await producer.backlog(cameraId)] as const),
        );
        return Object.fromEntries(entries);
      },
    });
  }

  onApplicationBootstrap(): void {
    this.sampler.start(this.config.memorySampleIntervalMs);
  }

  onModuleDestroy(): void {
    this.sampler.stop();
  }
}
