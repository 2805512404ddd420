import { Module } from '@nestjs/common';

import { InferenceModule } from '../inference/inference.module';

import { RecogniseController } from './recognise.controller';
import { RecogniseService } from './recognise.service';

@Module({
  imports: [InferenceModule],
  controllers: [RecogniseController],
  providers: [RecogniseService],
})
export class RecogniseModule {}
