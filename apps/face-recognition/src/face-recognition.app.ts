import type { AddressInfo } from 'node:net';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import {
  createLogger,
  createMetricsRegistry,
  MemorySampler,
  NestPinoLogger,
  classLogger,
  type Logger,
} from '@edgewatch/telemetry';
import type { Registry } from 'prom-client';

import { AppModule } from './app.module';
import { InferenceService } from './inference/inference.service';

export interface FaceRecognitionAppOptions {
  /** Where log lines go; standard output by default. Tests pass a stream to read them. */
  logDestination?: NodeJS.WritableStream;
}

export interface FaceRecognitionApp {
  app: INestApplication;
  logger: Logger;
  registry: Registry;
  /** Listens on `port` (default config.port; 0 picks a free one); returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops everything the service started. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the service without listening, so the demo and tests drive it in-process with
 * their own config and log stream. Models load in the background; `/health/ready` says
 * when they are warm.
 */
export async function createFaceRecognitionApp(
  config: FaceRecognitionConfig,
  options: FaceRecognitionAppOptions = {},
): Promise<FaceRecognitionApp> {
  const logger = createLogger({
    service: 'face-recognition',
    level: config.log.level,
    format: config.log.format,
    destination: options.logDestination,
  });
  const registry = createMetricsRegistry('face-recognition');

  // No body parser: `/recognise` streams its body itself, to refuse it at the byte limit.
  const app = await NestFactory.create(AppModule.forRoot(config, logger, registry), {
    bodyParser: false,
    logger: new NestPinoLogger(logger),
  });
  app.enableShutdownHooks();

  const inference = app.get(InferenceService);
  const sampler = new MemorySampler(classLogger(logger, MemorySampler.name), registry, {
    tensors: async () => (await inference.tensorMemory()).tensors,
  });
  sampler.start(config.memorySampleIntervalMs);

  let closing: Promise<void> | undefined;
  return {
    app,
    logger,
    registry,
    async listen(port = config.port, host?: string) {
      await app.listen(port, host ?? '0.0.0.0');
      const address = app.getHttpServer().address() as AddressInfo;
      return `http://${host ?? '127.0.0.1'}:${address.port}`;
    },
    close() {
      closing ??= (async () => {
        sampler.stop();
        await app.close();
      })();
      return closing;
    },
  };
}
