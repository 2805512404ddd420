import Redis from 'ioredis';
import { describe, expect, it } from 'vitest';

import { portAccepts } from './free-port';
import { readProcess } from './process-watcher';
import { redisAnswersPing, startRedis } from './redis';
import { waitFor } from './wait-for';

describe('startRedis', () => {
  it('starts a private redis that answers PING and frees its port on stop', async () => {
    const redis = await startRedis({ maxmemoryBytes: 64 * 1024 * 1024 });

    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await redisAnswersPing(redis.port)).toBe(true);
    expect(readProcess(redis.pid)?.cmdline).toContain(`redis-server 127.0.0.1:${redis.port}`);

    await redis.stop();

    expect(readProcess(redis.pid)).toBeUndefined();
    expect(await portAccepts(redis.port)).toBe(false);
  });

  it('runs with noeviction and the requested memory limit', async () => {
    const redis = await startRedis({ maxmemoryBytes: 32 * 1024 * 1024 });
    try {
      const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect();
      const config = (await client.config('GET', 'maxmemory*')) as string[];
      const persistence = (await client.config('GET', 'save')) as string[];
      client.disconnect();

      expect(config).toEqual(
        expect.arrayContaining(['maxmemory', '33554432', 'maxmemory-policy', 'noeviction']),
      );
      expect(persistence).toEqual(['save', '']);
    } finally {
      await redis.stop();
    }
  });

  it('stops a frozen (SIGSTOP) redis too', async () => {
    const redis = await startRedis();
    process.kill(redis.pid, 'SIGSTOP');
    await waitFor(() => readProcess(redis.pid)?.state === 'T', { timeoutMs: 2000, what: 'stop' });

    await redis.stop();

    expect(readProcess(redis.pid)).toBeUndefined();
  });
});
