import { DynamicModule, Global, Module } from '@nestjs/common';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import { TelemetryModule, type Logger } from '@edgewatch/telemetry';
import type { Registry } from 'prom-client';

import { FACE_RECOGNITION_CONFIG } from './app.tokens';
import { FramesModule } from './frames/frames.module';
import { HealthModule } from './health/health.module';
import { InferenceModule } from './inference/inference.module';
import { MembersModule } from './members/members.module';
import { RecogniseModule } from './recognise/recognise.module';
import { RedisModule } from './redis/redis.module';

@Global()
@Module({})
class FaceRecognitionConfigModule {
  static forRoot(config: FaceRecognitionConfig): DynamicModule {
    return {
      module: FaceRecognitionConfigModule,
      providers: [{ provide: FACE_RECOGNITION_CONFIG, useValue: config }],
      exports: [FACE_RECOGNITION_CONFIG],
    };
  }
}

/** The face-recognition service: frames worker, `/recognise`, members, health and metrics. */
@Module({})
export class AppModule {
  static forRoot(config: FaceRecognitionConfig, logger: Logger, registry: Registry): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FaceRecognitionConfigModule.forRoot(config),
        TelemetryModule.forRoot({ logger, registry }),
        RedisModule,
        InferenceModule,
        MembersModule,
        FramesModule,
        RecogniseModule,
        HealthModule,
      ],
    };
  }
}
