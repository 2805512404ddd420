import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { redactConfig, type CameraIngestConfig } from '@edgewatch/config';
import {
  classLogger,
  createMetricsRegistry,
  NestPinoLogger,
  type Logger,
} from '@edgewatch/telemetry';
import type { Registry } from 'prom-client';

import { CameraIngestModule } from './camera-ingest.module';

export interface CameraIngestApp {
  app: INestApplication;
  registry: Registry;
}

/**
 * Builds the application (used by main.ts and the integration tests). Nothing here waits
 * for Redis or a camera: both are retried in the background and reported by readiness.
 */
export async function createCameraIngestApp(
  config: CameraIngestConfig,
  logger: Logger,
  registry: Registry = createMetricsRegistry('camera-ingest'),
): Promise<CameraIngestApp> {
  classLogger(logger, 'Bootstrap').info(
    { config: redactConfig(config) },
    'camera-ingest configuration',
  );

  const app = await NestFactory.create(CameraIngestModule.forRoot({ config, logger, registry }), {
    logger: new NestPinoLogger(logger),
  });
  // Without shutdown hooks NestJS never stops the cameras or closes Redis on SIGTERM.
  app.enableShutdownHooks();
  return { app, registry };
}
