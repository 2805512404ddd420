import { Redis, RedisOptions } from 'ioredis';

/**
 * `producer`: fails fast while Redis is away (no offline queue, one retry), so a caller
 * holding data never builds an in-memory backlog.
 * `worker`: waits for Redis and resumes by itself (BullMQ workers require this).
 */
export type RedisRole = 'producer' | 'worker';

export interface RedisConnectionOptions {
  url: string;
  role: RedisRole;
  /** Shown by `CLIENT LIST`, e.g. `camera-ingest:frames-producer`. */
  connectionName: string;
  /** Largest reconnect delay, in ms. Default 5000. */
  maxReconnectDelayMs?: number;
  /** Called on connection errors; ioredis would otherwise print them unstructured. */
  onError?: (error: Error) => void;
}

/** Builds an ioredis connection with the stack's settings for its role. */
export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const maxDelayMs = options.maxReconnectDelayMs ?? 5_000;
  const roleOptions: RedisOptions =
    options.role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 5_000 }
      : { enableOfflineQueue: true, maxRetriesPerRequest: null };

  const redis = new Redis(options.url, {
    ...roleOptions,
    connectionName: options.connectionName,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 10), maxDelayMs),
    // A reconnect after a READONLY error (failover) is what we want; other errors surface.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  });
  redis.on('error', (error: Error) => options.onError?.(error));
  return redis;
}

/** Resolves when the connection is ready, or rejects after `timeoutMs` with a clear message. */
export async function waitForRedis(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis at ${safeRedisUrl(url)} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/** A Redis URL without its password, for messages. */
export function safeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid Redis URL)';
  }
}
