import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import {
  EventLoopHealthIndicator,
  MemoryLimitHealthIndicator,
  RedisHealthIndicator,
} from '@edgewatch/health';

import { RedisConnections } from '../redis/redis.module';

import { InferenceHealthIndicator } from './inference.health';
import { MembersHealthIndicator } from './members.health';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventLoop: EventLoopHealthIndicator,
    private readonly memory: MemoryLimitHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly connections: RedisConnections,
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
      () =>
        this.redis.check('redis', this.connections.worker, {
          reachability: this.connections.reachability,
        }),
      () => this.members.loaded('members'),
      () => this.inference.loaded('models'),
    ]);
  }
}
