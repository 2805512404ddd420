import { Module } from '@nestjs/common';

import { CaptureModule } from '../capture/capture.module';
import { PublishModule } from '../publish/publish.module';
import { IngestMemoryReporter } from './ingest-memory.reporter';

@Module({
  imports: [CaptureModule, PublishModule],
  providers: [IngestMemoryReporter],
})
export class IngestTelemetryModule {}
