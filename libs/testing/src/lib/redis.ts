import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { terminateChild } from './child-registry';
import { spawnService, waitUntilReady } from './child-output';
import { freePort, portAccepts, retryOnPortRace } from './free-port';

export interface StartRedisOptions {
  /** Redis `maxmemory` in bytes. Default 256 MiB. Writes past it are refused (noeviction). */
  maxmemoryBytes?: number;
  /** How long to wait for PING to answer, in milliseconds. Default 10000. */
  startTimeoutMs?: number;
  /** A fixed port, to bring Redis back where a service expects it. Default: a free one. */
  port?: number;
  /** Clients must authenticate with this password. Default: none. */
  password?: string;
}

export interface RedisServer {
  /** redis://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Pid of the redis-server process itself (tests may SIGSTOP or SIGKILL it). */
  pid: number;
  /** SIGTERM, SIGKILL after 3 s; removes the data dir. Idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_MAXMEMORY_BYTES = 256 * 1024 * 1024;

/**
 * A private redis-server on a free port of 127.0.0.1 with no persistence, a memory limit
 * and `maxmemory-policy noeviction`, running in a temporary directory.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  if (options.port !== undefined) return startRedisOnce(options);
  return retryOnPortRace(() => startRedisOnce(options));
}

async function startRedisOnce(options: StartRedisOptions): Promise<RedisServer> {
  const maxmemoryBytes = options.maxmemoryBytes ?? DEFAULT_MAXMEMORY_BYTES;
  const port = options.port ?? (await freePort());
  const dataDir = mkdtempSync(join(tmpdir(), 'edgewatch-redis-'));
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];

  const service = spawnService('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory',
    String(maxmemoryBytes),
    '--maxmemory-policy',
    'noeviction',
    '--dir',
    dataDir,
    '--daemonize',
    'no',
    '--logfile',
    '',
    ...auth,
  ]);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= terminateChild(service.child).finally(() =>
      rmSync(dataDir, { recursive: true, force: true }),
    );
    return stopping;
  };

  try {
    await waitUntilReady(
      service,
      `redis-server on port ${port}`,
      // With a password PING answers NOAUTH: a listening port then tells that it is up.
      () => (options.password === undefined ? redisAnswersPing(port) : portAccepts(port)),
      options.startTimeoutMs ?? 10_000,
    );
  } catch (error: unknown) {
    await stop();
    throw error;
  }

  return { url: `redis://127.0.0.1:${port}`, port, pid: service.pid, stop };
}

/** True when a Redis on 127.0.0.1:port answers PING with PONG. */
export function redisAnswersPing(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    const finish = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}
