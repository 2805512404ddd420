import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { EventLoopHealthIndicator, MemoryLimitHealthIndicator } from '@edgewatch/health';

import { InferenceHealthIndicator } from './inference.health';
import { MembersHealthIndicator } from './members.health';
import { RedisReadinessIndicator } from './redis-readiness.health';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventLoop: EventLoopHealthIndicator,
    private readonly memory: MemoryLimitHealthIndicator,
    private readonly redis: RedisReadinessIndicator,
    private readonly inference: InferenceHealthIndicator,
    private readonly members: MembersHealthIndicator,
  ) {}

  /** Failing means "restart me": only what a restart can cure. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([
      () => this.eventLoop.check('eventLoop'),
      () => this.memory.check('memory'),
      () => this.inference.alive('inferenceWorker'),
    ]);
  }

  /** Failing means "do not send me work yet". */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.redis.check('redis'),
      () => this.members.loaded('members'),
      () => this.inference.loaded('models'),
    ]);
  }
}
