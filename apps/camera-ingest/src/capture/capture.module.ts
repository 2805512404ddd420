import { Module } from '@nestjs/common';

import { PublishModule } from '../publish/publish.module';
import { CameraMetrics } from './camera.metrics';
import { CaptureService } from './capture.service';

@Module({
  imports: [PublishModule],
  providers: [CameraMetrics, CaptureService],
  exports: [CaptureService],
})
export class CaptureModule {}
