import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { portAccepts, redisAnswersPing, waitFor } from '@edgewatch/testing';

export interface RedisOnPort {
  pid: number;
  /** SIGKILL and removes the data directory. Idempotent. */
  stop(): void;
}

/**
 * A redis-server on a given port of 127.0.0.1, to bring Redis (back) where the service
 * expects it; with `password`, clients must authenticate. Resolves once it accepts clients.
 */
export async function startRedisOnPort(port: number, password?: string): Promise<RedisOnPort> {
  const dir = mkdtempSync(join(tmpdir(), 'edgewatch-redis-on-port-'));
  const auth = password === undefined ? [] : ['--requirepass', password];
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--maxmemory-policy',
      'noeviction',
      ...auth,
    ],
    { stdio: 'ignore' },
  );

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  if (child.pid === undefined) {
    stop();
    throw new Error('redis-server did not start (is it installed?)');
  }

  try {
    // With a password PING answers NOAUTH, so a listening port is what tells it is up.
    await waitFor(() => (password === undefined ? redisAnswersPing(port) : portAccepts(port)), {
      timeoutMs: 10_000,
      what: `redis-server on port ${port}`,
    });
  } catch (error: unknown) {
    stop();
    throw error;
  }
  return { pid: child.pid, stop };
}
