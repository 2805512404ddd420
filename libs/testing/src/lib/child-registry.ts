import type { ChildProcess } from 'node:child_process';

/** Children started by this library, killed with SIGKILL when the test process exits. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit(): void {
  for (const child of liveChildren) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  liveChildren.clear();
}

export function trackChild(child: ChildProcess): void {
  if (!exitHookInstalled) {
    process.on('exit', killAllOnExit);
    exitHookInstalled = true;
  }

  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

/** Pids of the children this library started that have not exited yet. */
export function trackedChildPids(): number[] {
  return [...liveChildren].flatMap((child) => (child.pid === undefined ? [] : [child.pid]));
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Sends SIGTERM, waits up to `graceMs` for the child to exit, then SIGKILL and waits again.
 * A stopped (SIGSTOP) child is continued first so it can act on SIGTERM.
 */
export async function terminateChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalChild(child, 'SIGTERM');
  signalChild(child, 'SIGCONT');

  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([exited, graceOver]);
  clearTimeout(timer);

  if (outcome === 'timeout' && !hasExited(child)) {
    signalChild(child, 'SIGKILL');
    await exited;
  }
}

function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || hasExited(child)) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // Exited between the check and the signal.
  }
}
