import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { terminateChild } from './child-registry';
import { spawnService, waitUntilReady } from './child-output';
import { freePort, portAccepts, retryOnPortRace } from './free-port';
import { repoRoot } from './repo-paths';

export interface StartDynaliteOptions {
  /** How long new, deleted and updated tables stay in their transient state, in ms. Default 0. */
  tableStateMs?: number;
  /** How long to wait for the port to accept connections, in milliseconds. Default 15000. */
  startTimeoutMs?: number;
}

export interface DynaliteServer {
  /** http://127.0.0.1:PORT, for the DynamoDB client's `endpoint`. */
  endpoint: string;
  port: number;
  pid: number;
  /** SIGTERM, SIGKILL after 3 s. Idempotent. */
  stop(): Promise<void>;
}

/** An in-memory DynamoDB-compatible server (dynalite) on a free port of 127.0.0.1. */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<DynaliteServer> {
  const cli = dynaliteCli();

  return retryOnPortRace(() => startDynaliteOnce(cli, options));
}

async function startDynaliteOnce(
  cli: string,
  options: StartDynaliteOptions,
): Promise<DynaliteServer> {
  const port = await freePort();
  const tableStateMs = String(options.tableStateMs ?? 0);
  const service = spawnService(process.execPath, [
    cli,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--createTableMs',
    tableStateMs,
    '--deleteTableMs',
    tableStateMs,
    '--updateTableMs',
    tableStateMs,
  ]);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= terminateChild(service.child);
    return stopping;
  };

  try {
    await waitUntilReady(
      service,
      `dynalite on port ${port}`,
      () => portAccepts(port),
      options.startTimeoutMs ?? 15_000,
    );
  } catch (error: unknown) {
    await stop();
    throw error;
  }

  return { endpoint: `http://127.0.0.1:${port}`, port, pid: service.pid, stop };
}

function dynaliteCli(): string {
  const requireFromRepo = createRequire(join(repoRoot(), 'package.json'));
  try {
    return join(dirname(requireFromRepo.resolve('dynalite/package.json')), 'cli.js');
  } catch (error: unknown) {
    throw new Error('dynalite is not installed in the repository (npm install)', { cause: error });
  }
}
