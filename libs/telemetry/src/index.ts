export { readCgroupMemory, type CgroupMemory } from './cgroup-memory';
export { classLogger, createLogger, type Logger, type LoggerSettings } from './logger';
export { MemorySampler, type MemorySample, type MemorySources } from './memory-sampler';
export { createMetricsRegistry, readMetric } from './metrics';
export { NestPinoLogger } from './nest-logger';
export { LogRateLimiter } from './rate-limited-log';
export {
  METRICS_REGISTRY,
  MetricsController,
  ROOT_LOGGER,
  TelemetryModule,
} from './telemetry.module';
