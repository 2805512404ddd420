import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { CameraIngestConfig } from '@edgewatch/config';
import { classLogger, ROOT_LOGGER, type Logger } from '@edgewatch/telemetry';

import { CAMERA_INGEST_CONFIG } from '../app/camera-ingest.tokens';
import { configureSharpForEdge } from '../motion/motion.gate';
import { FramesProducer } from '../publish/frames.producer';
import { CameraMetrics } from './camera.metrics';
import { CameraPipeline } from './camera.pipeline';

/** Extra time after the SIGKILL grace for reaping every ffmpeg at shutdown, in ms. */
const SHUTDOWN_REAP_MARGIN_MS = 3_000;

/**
 * Owns one pipeline per configured camera. Cameras start when the application has
 * bootstrapped, without waiting for any of them, and stop (killed and reaped) before the
 * frames producer closes.
 */
@Injectable()
export class CaptureService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  /** One entry per camera of the cameras file; never grows at run time. */
  private readonly pipelines = new Map<string, CameraPipeline>();

  constructor(
    @Inject(CAMERA_INGEST_CONFIG) private readonly config: CameraIngestConfig,
    @Inject(ROOT_LOGGER) rootLogger: Logger,
    producer: FramesProducer,
    metrics: CameraMetrics,
  ) {
    this.logger = classLogger(rootLogger, CaptureService.name);
    configureSharpForEdge();
    for (const camera of config.cameras) {
      this.pipelines.set(
        camera.id,
        new CameraPipeline(camera, config, producer, metrics, rootLogger),
      );
    }
  }

  onApplicationBootstrap(): void {
    for (const pipeline of this.pipelines.values()) pipeline.start();
    this.logger.info({ cameras: [...this.pipelines.keys()] }, 'cameras started');
  }

  async onModuleDestroy(): Promise<void> {
    const deadlineMs = this.config.supervisor.stopGraceMs + SHUTDOWN_REAP_MARGIN_MS;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const allClosed = Promise.allSettled(
      [...this.pipelines.values()].map((pipeline) => pipeline.close()),
    );
    const outcome = await Promise.race([
      allClosed.then(() => 'closed' as const),
      new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), deadlineMs);
      }),
    ]);
    clearTimeout(timer);

    const durationMs = Date.now() - started;
    if (outcome === 'deadline') {
      this.logger.error(
        { durationMs, stillRunning: this.liveFfmpegCount() },
        'cameras did not stop in time',
      );
    } else {
      this.logger.info({ durationMs }, 'cameras stopped');
    }
  }

  /** The pipeline of one camera (status and tests). */
  pipeline(cameraId: string): CameraPipeline | undefined {
    return this.pipelines.get(cameraId);
  }

  cameraIds(): string[] {
    return [...this.pipelines.keys()];
  }

  /** Each camera's last frame time, epoch ms, or null when it has not delivered one. */
  lastFrameTimes(): Record<string, number | null> {
    return Object.fromEntries(
      [...this.pipelines].map(([cameraId, pipeline]) => [
        cameraId,
        pipeline.supervisor.lastFrameAt,
      ]),
    );
  }

  liveFfmpegCount(): number {
    return [...this.pipelines.values()].filter((pipeline) => pipeline.supervisor.pid !== undefined)
      .length;
  }

  /** Frames held in this process between ffmpeg and Redis, all cameras. */
  framesHeld(): number {
    return [...this.pipelines.values()].reduce((sum, pipeline) => sum + pipeline.framesHeld, 0);
  }
}
