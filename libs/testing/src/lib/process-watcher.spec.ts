import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';

import { trackChild } from './child-registry';
import { parseStat, watchProcesses, type ProcessWatcher } from './process-watcher';
import { waitFor } from './wait-for';

const SYSTEM_PYTHON = '/usr/bin/python3';

function spawnSleeper(marker: string): ChildProcess {
  const child = spawn(SYSTEM_PYTHON, ['-c', 'import time; time.sleep(60)', marker], {
    stdio: 'ignore',
  });
  trackChild(child);
  return child;
}

/** A Python parent that forks a child which exits at once and is never reaped. */
function spawnZombieMaker(): { parent: ChildProcess; zombiePid: Promise<number> } {
  const script = [
    'import os, time',
    'pid = os.fork()',
    'if pid == 0:',
    '    os._exit(0)',
    'print(pid, flush=True)',
    'time.sleep(60)',
  ].join('\n');
  const parent = spawn(SYSTEM_PYTHON, ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  trackChild(parent);
  const zombiePid = new Promise<number>((resolve, reject) => {
    parent.stdout?.setEncoding('utf8').once('data', (line: string) => resolve(Number(line.trim())));
    parent.once('exit', () => reject(new Error('zombie maker exited early')));
  });
  return { parent, zombiePid };
}

describe('parseStat', () => {
  it('reads state and ppid after the last parenthesis of a command name', () => {
    const stat =
      '4242 (evil) name (x) S) Z 77 4242 4242 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 987654 0';

    expect(parseStat(stat)).toEqual({
      comm: 'evil) name (x) S',
      state: 'Z',
      ppid: 77,
      startTicks: 987654,
    });
  });
});

describe('watchProcesses', () => {
  const started: ChildProcess[] = [];
  let watcher: ProcessWatcher | undefined;

  afterEach(() => {
    watcher?.stop();
    for (const child of started.splice(0)) child.kill('SIGKILL');
  });

  it('counts the most matching processes alive at once, not their reaped exits', async () => {
    const marker = `edgewatch-watch-${randomUUID()}`;
    watcher = watchProcesses({ match: (cmdline) => cmdline.includes(marker), intervalMs: 20 });

    const sleepers = [spawnSleeper(marker), spawnSleeper(marker), spawnSleeper(marker)];
    started.push(...sleepers);
    await waitFor(() => watcher?.maxAlive === 3, { timeoutMs: 5000, what: 'three sleepers' });

    const survivor = sleepers[2];
    for (const sleeper of sleepers.slice(0, 2)) sleeper.kill('SIGKILL');
    await waitFor(() => watcher?.currentPids().length === 1, {
      timeoutMs: 5000,
      what: 'two sleepers to be gone',
    });

    expect(watcher.maxAlive).toBe(3);
    expect(watcher.currentPids()).toEqual([survivor?.pid]);
    expect(watcher.zombiesSeen).toEqual([]);
  });

  it('records a zombie left by a parent that does not reap its child', async () => {
    const { parent, zombiePid } = spawnZombieMaker();
    started.push(parent);
    const pid = await zombiePid;
    watcher = watchProcesses({
      match: () => false,
      parentPid: parent.pid,
      intervalMs: 20,
      zombieGraceMs: 200,
    });

    await waitFor(() => watcher?.zombiesSeen.length, { timeoutMs: 5000, what: 'the zombie' });

    expect(watcher.zombiesSeen).toEqual([
      expect.objectContaining({ pid, ppid: parent.pid, comm: 'python3' }),
    ]);
    expect(watcher.maxAlive).toBe(0);
  });

  it('remembers the command line of a matching process that turned into a zombie', async () => {
    const marker = `edgewatch-zombie-${randomUUID()}`;
    // The parent forks and execs a short-lived child and never waits for it. The marker
    // reaches the parent through its environment so that only the child's command line has it.
    const script = [
      'import os, time',
      'pid = os.fork()',
      'if pid == 0:',
      `    os.execv("${SYSTEM_PYTHON}", ["${SYSTEM_PYTHON}", ` +
        '"-c", "import time; time.sleep(0.5)", os.environ["MARKER"]])',
      'time.sleep(60)',
    ].join('\n');
    watcher = watchProcesses({
      match: (cmdline) => cmdline.includes(marker),
      intervalMs: 20,
      zombieGraceMs: 200,
    });
    const parent = spawn(SYSTEM_PYTHON, ['-c', script], {
      stdio: 'ignore',
      env: { ...process.env, MARKER: marker },
    });
    trackChild(parent);
    started.push(parent);

    await waitFor(() => watcher?.zombiesSeen.length, { timeoutMs: 5000, what: 'the zombie' });

    expect(watcher.maxAlive).toBe(1);
    expect(watcher.currentPids()).toEqual([]);
    expect(watcher.zombiesSeen).toEqual([
      expect.objectContaining({ ppid: parent.pid, cmdline: expect.stringContaining(marker) }),
    ]);
  });
});
