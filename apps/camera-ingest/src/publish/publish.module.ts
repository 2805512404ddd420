import { Module } from '@nestjs/common';

import { FramesProducer } from './frames.producer';

@Module({
  providers: [FramesProducer],
  exports: [FramesProducer],
})
export class PublishModule {}
