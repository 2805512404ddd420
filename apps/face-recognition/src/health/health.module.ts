import { Module } from '@nestjs/common';
import { EdgeHealthModule } from '@edgewatch/health';

import { InferenceModule } from '../inference/inference.module';
import { MembersModule } from '../members/members.module';

import { HealthController } from './health.controller';
import { InferenceHealthIndicator } from './inference.health';
import { MembersHealthIndicator } from './members.health';

@Module({
  imports: [EdgeHealthModule, InferenceModule, MembersModule],
  controllers: [HealthController],
  providers: [InferenceHealthIndicator, MembersHealthIndicator],
})
export class HealthModule {}
