import { DynamicModule, Module } from '@nestjs/common';
import type { CameraIngestConfig } from '@edgewatch/config';
import { TelemetryModule, type Logger } from '@edgewatch/telemetry';
import type { Registry } from 'prom-client';

import { CaptureModule } from '../capture/capture.module';
import { HealthModule } from '../health/health.module';
import { IngestTelemetryModule } from '../telemetry/ingest-telemetry.module';
import { CAMERA_INGEST_CONFIG } from './camera-ingest.tokens';

export interface CameraIngestRoot {
  config: CameraIngestConfig;
  logger: Logger;
  registry: Registry;
}

/** camera-ingest: capture, health and metrics, wired from one validated config. */
@Module({})
export class CameraIngestModule {
  static forRoot(root: CameraIngestRoot): DynamicModule {
    return {
      module: CameraIngestModule,
      imports: [
        TelemetryModule.forRoot({ logger: root.logger, registry: root.registry }),
        ConfigHolderModule.forRoot(root.config),
        CaptureModule,
        HealthModule,
        IngestTelemetryModule,
      ],
    };
  }
}

/** Makes the config injectable everywhere under its token. */
@Module({})
class ConfigHolderModule {
  static forRoot(config: CameraIngestConfig): DynamicModule {
    return {
      module: ConfigHolderModule,
      global: true,
      providers: [{ provide: CAMERA_INGEST_CONFIG, useValue: config }],
      exports: [CAMERA_INGEST_CONFIG],
    };
  }
}
