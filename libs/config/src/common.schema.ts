import { z } from 'zod';

import { enumField, intField, stringField, urlField } from './env-fields';

/** Settings every service shares. */
export const commonEnvShape = {
  /** Redis for queues and streams. Default: a Redis on this host. */
  REDIS_URL: urlField('redis://127.0.0.1:6379', ['redis', 'rediss']),
  /** Prefix of every Redis key the stack writes, so several stacks (or tests) can share a Redis. */
  REDIS_PREFIX: stringField('edgewatch'),
  /** pino level. */
  LOG_LEVEL: enumField(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  /** `json` for machines (the default in containers), `pretty` for a developer's terminal. */
  LOG_FORMAT: enumField(['json', 'pretty'], 'json'),
  /** How often the memory line is logged, in ms. 0 turns it off. */
  MEMORY_SAMPLE_INTERVAL_MS: intField(60_000, { min: 0 }),
};

export type LogLevel = z.infer<typeof commonEnvShape.LOG_LEVEL>;

export interface CommonConfig {
  redis: { url: string; prefix: string };
  log: { level: LogLevel; format: 'json' | 'pretty' };
  memorySampleIntervalMs: number;
}

export function commonConfigFrom(env: {
  REDIS_URL: string;
  REDIS_PREFIX: string;
  LOG_LEVEL: LogLevel;
  LOG_FORMAT: 'json' | 'pretty';
  MEMORY_SAMPLE_INTERVAL_MS: number;
}): CommonConfig {
  return {
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    memorySampleIntervalMs: env.MEMORY_SAMPLE_INTERVAL_MS,
  };
}
