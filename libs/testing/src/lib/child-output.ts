import { spawn, type ChildProcess } from 'node:child_process';

import { hasExited, trackChild } from './child-registry';

const TAIL_LIMIT_CHARS = 4000;

/** A tracked child whose recent stderr and stdout are kept (bounded) for error messages. */
export interface ServiceChild {
  child: ChildProcess;
  pid: number;
  stderrTail(): string;
  stdoutTail(): string;
}

export function spawnService(
  command: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): ServiceChild {
  const child = spawn(command, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  // Without a listener a spawn failure (ENOENT) would be an uncaught 'error' event.
  child.on('error', () => undefined);

  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-TAIL_LIMIT_CHARS);
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-TAIL_LIMIT_CHARS);
  });

  return {
    child,
    pid: child.pid ?? -1,
    stderrTail: () => stderr,
    stdoutTail: () => stdout,
  };
}

/**
 * Resolves when `ready()` is true, rejects when the child exits or fails to spawn first,
 * or after `timeoutMs`. The error names the service and carries its stderr tail.
 */
export function waitUntilReady(
  service: ServiceChild,
  name: string,
  ready: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 25,
): Promise<void> {
  const { child } = service;
  const describe = (reason: string): Error =>
    new Error(`${name} ${reason}; stderr tail:\n${service.stderrTail() || '(empty)'}`);

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let poll: NodeJS.Timeout | undefined;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(poll);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      settle(describe(`exited before it was ready (code ${code}, signal ${signal})`));
    const onError = (error: Error): void => settle(describe(`could not start: ${error.message}`));
    const deadline = setTimeout(
      () => settle(describe(`was not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );

    const check = async (): Promise<void> => {
      if (settled) return;
      try {
        if (await ready()) {
          settle();
          return;
        }
      } catch {
        // Not ready yet.
      }
      if (!settled) poll = setTimeout(() => void check(), intervalMs);
    };

    child.once('exit', onExit);
    child.once('error', onError);
    if (hasExited(child)) {
      onExit(child.exitCode, child.signalCode);
      return;
    }
    void check();
  });
}
