import { Module } from '@nestjs/common';
import { EdgeHealthModule } from '@edgewatch/health';

import { InferenceModule } from '../inference/inference.module';
import { MembersModule } from '../members/members.module';

import { FrameRecogniser } from './frame.recogniser';
import { FramesProcessor } from './frames.processor';
import { RecognitionPublisher } from './recognition.publisher';

@Module({
  imports: [InferenceModule, MembersModule, EdgeHealthModule],
  providers: [FrameRecogniser, FramesProcessor, RecognitionPublisher],
  exports: [FrameRecogniser, FramesProcessor, RecognitionPublisher],
})
export class FramesModule {}
