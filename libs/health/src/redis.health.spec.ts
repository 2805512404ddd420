import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

import { RedisHealthIndicator, type RedisReachabilityReport } from './redis.health';

const SAFE_URL = 'redis://:***@127.0.0.1:6390';
const REFUSED = 'connect ECONNREFUSED 127.0.0.1:6390';

/** Only what the check reads of a connection. */
function connection(status: Redis['status']): Redis {
  return { status, ping: () => Promise.resolve('PONG') } as unknown as Redis;
}

function reachability(problem: RedisReachabilityReport['problem']): RedisReachabilityReport {
  return { safeUrl: SAFE_URL, problem };
}

describe('RedisHealthIndicator', () => {
  const indicator = new RedisHealthIndicator(new HealthIndicatorService());

  it('names the Redis, the reason and since when while it is unreachable', async () => {
    const sinceMs = Date.now() - 5_000;

    const result = await indicator.check('redis', connection('reconnecting'), {
      reachability: reachability({ reason: REFUSED, sinceMs }),
    });

    expect(result.redis).toMatchObject({
      status: 'down',
      url: SAFE_URL,
      connection: 'reconnecting',
      reason: REFUSED,
      unreachableSince: new Date(sinceMs).toISOString(),
    });
    expect(result.redis.unreachableForMs).toBeGreaterThanOrEqual(5_000);
  });

  it('names the Redis and gives no reason while it answers', async () => {
    const result = await indicator.check('redis', connection('ready'), {
      reachability: reachability(null),
    });

    expect(result.redis).toMatchObject({ status: 'up', url: SAFE_URL });
    expect(result.redis).not.toHaveProperty('reason');
  });

  it('says only the connection state when it is not told which Redis', async () => {
    const result = await indicator.check('redis', connection('connecting'));

    expect(result.redis).toEqual({ status: 'down', connection: 'connecting' });
  });
});
