export { EdgeHealthModule } from './edge-health.module';
export { EventLoopHealthIndicator } from './event-loop.health';
export { FreshnessHealthIndicator } from './freshness.health';
export {
  DEFAULT_MEMORY_THRESHOLDS,
  MemoryLimitHealthIndicator,
  MemoryPressure,
  type MemoryThresholds,
} from './memory-limit.health';
export {
  RedisHealthIndicator,
  type RedisCheckOptions,
  type RedisReachabilityReport,
} from './redis.health';
