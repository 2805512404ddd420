import { Module } from '@nestjs/common';
import { EdgeHealthModule } from '@edgewatch/health';

import { CaptureModule } from '../capture/capture.module';
import { PublishModule } from '../publish/publish.module';
import { HealthController } from './health.controller';

@Module({
  imports: [EdgeHealthModule, CaptureModule, PublishModule],
  controllers: [HealthController],
})
export class HealthModule {}
