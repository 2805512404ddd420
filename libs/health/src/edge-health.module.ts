import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';

import { EventLoopHealthIndicator } from './event-loop.health';
import { FreshnessHealthIndicator } from './freshness.health';
import { MemoryLimitHealthIndicator, MemoryPressure } from './memory-limit.health';
import { RedisHealthIndicator } from './redis.health';

const indicators = [
  EventLoopHealthIndicator,
  FreshnessHealthIndicator,
  MemoryLimitHealthIndicator,
  MemoryPressure,
  RedisHealthIndicator,
];

/** The stack's health indicators; each app composes them in its own `/health` controller. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: indicators,
  exports: [TerminusModule, ...indicators],
})
export class EdgeHealthModule {}
