import { readdirSync, readFileSync } from 'node:fs';

/** One process as read from /proc. */
export interface ProcInfo {
  pid: number;
  ppid: number;
  /** One-letter state from /proc/PID/stat: R, S, D, T, Z, ... */
  state: string;
  /** Executable name from /proc/PID/stat (at most 15 characters). */
  comm: string;
  /** Arguments joined with spaces; empty for zombies and kernel threads. */
  cmdline: string;
  /** Start time in clock ticks since boot: with the pid, identifies the process. */
  startTicks: number;
}

export interface ZombieSighting {
  pid: number;
  ppid: number;
  comm: string;
  /** The last command line seen while it was alive, or '' when it was never seen alive. */
  cmdline: string;
  /** When the first sample saw it as a zombie. */
  firstSeenAt: Date;
}

export interface WatchProcessesOptions {
  /**
   * Which live processes count. A zombie has no command line any more, so zombies are
   * matched with the command line they had when last seen alive.
   */
  match: (cmdline: string, process: ProcInfo) => boolean;
  /** Zombies among this pid's descendants are recorded too, whatever `match` says. */
  parentPid?: number;
  /** Time between samples in milliseconds. Default 50; at most 100. */
  intervalMs?: number;
  /**
   * How long a process must stay a zombie before it is recorded, in milliseconds. Every
   * child is a zombie for a moment between its exit and its parent's wait; a parent that
   * reaps promptly must not count. Default 500.
   */
  zombieGraceMs?: number;
}

export interface ProcessWatcher {
  /** Largest number of matching live (not zombie) processes seen in one sample. */
  readonly maxAlive: number;
  /**
   * Every process that stayed a zombie for `zombieGraceMs` and matched or descended from
   * `parentPid`, once per process.
   */
  readonly zombiesSeen: readonly ZombieSighting[];
  /** Samples taken so far. */
  readonly samples: number;
  /** Pids of matching live processes in the latest sample. */
  currentPids(): number[];
  /** Takes a sample now and returns the matching live pids. */
  sampleNow(): number[];
  /** Stops sampling (after one last sample). Idempotent. */
  stop(): void;
}

const MAX_INTERVAL_MS = 100;

/**
 * Polls /proc and records, for the processes that `match` selects, the most alive at
 * once and any that became zombies. Linux only.
 */
export function watchProcesses(options: WatchProcessesOptions): ProcessWatcher {
  const intervalMs = Math.min(options.intervalMs ?? 50, MAX_INTERVAL_MS);
  const zombieGraceMs = options.zombieGraceMs ?? 500;
  const lastCmdlineByProcess = new Map<string, string>();
  // Zombies seen but not yet for the grace period, by pid and start time.
  const pendingZombies = new Map<string, ZombieSighting>();
  const zombies = new Map<string, ZombieSighting>();
  let maxAlive = 0;
  let samples = 0;
  let current: number[] = [];
  let timer: NodeJS.Timeout | undefined;

  const sample = (): number[] => {
    const processes = readProcesses();
    const byPid = new Map(processes.map((info) => [info.pid, info]));
    const alive: number[] = [];
    const seenKeys = new Set<string>();

    for (const info of processes) {
      const key = `${info.pid}:${info.startTicks}`;
      seenKeys.add(key);
      if (info.state === 'Z') {
        recordZombie(info, key, byPid);
        continue;
      }
      if (info.state === 'X') continue;

      lastCmdlineByProcess.set(key, info.cmdline);
      if (options.match(info.cmdline, info)) alive.push(info.pid);
    }
    forgetVanished(seenKeys);
    promoteLastingZombies(seenKeys);

    samples++;
    current = alive;
    maxAlive = Math.max(maxAlive, alive.length);
    return alive;
  };

  const recordZombie = (info: ProcInfo, key: string, byPid: Map<number, ProcInfo>): void => {
    if (zombies.has(key) || pendingZombies.has(key)) return;
    const cmdline = lastCmdlineByProcess.get(key) ?? '';
    const descends =
      options.parentPid !== undefined && descendsFrom(info, options.parentPid, byPid);
    if (!descends && !options.match(cmdline, { ...info, cmdline })) return;

    pendingZombies.set(key, {
      pid: info.pid,
      ppid: info.ppid,
      comm: info.comm,
      cmdline,
      firstSeenAt: new Date(),
    });
  };

  // A pending zombie that was reaped is forgotten; one that lasted the grace period counts.
  const promoteLastingZombies = (seenKeys: Set<string>): void => {
    const now = Date.now();
    for (const [key, sighting] of pendingZombies) {
      if (!seenKeys.has(key)) {
        pendingZombies.delete(key);
      } else if (now - sighting.firstSeenAt.getTime() >= zombieGraceMs) {
        pendingZombies.delete(key);
        zombies.set(key, sighting);
      }
    }
  };

  // Keeps the command-line memory bounded to processes that still exist.
  const forgetVanished = (seenKeys: Set<string>): void => {
    for (const key of lastCmdlineByProcess.keys()) {
      if (!seenKeys.has(key)) lastCmdlineByProcess.delete(key);
    }
  };

  sample();
  timer = setInterval(sample, intervalMs);
  timer.unref();

  return {
    get maxAlive() {
      return maxAlive;
    },
    get zombiesSeen() {
      return [...zombies.values()];
    },
    get samples() {
      return samples;
    },
    currentPids: () => [...current],
    sampleNow: sample,
    stop: () => {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      sample();
    },
  };
}

function descendsFrom(info: ProcInfo, ancestorPid: number, byPid: Map<number, ProcInfo>): boolean {
  let ppid = info.ppid;
  // Bounded walk: a pid table cannot be deeper than its size.
  for (let depth = 0; depth <= byPid.size && ppid > 0; depth++) {
    if (ppid === ancestorPid) return true;
    const parent = byPid.get(ppid);
    if (parent === undefined) return false;
    ppid = parent.ppid;
  }
  return false;
}

/** Every process in /proc right now; processes that exit while being read are skipped. */
export function readProcesses(): ProcInfo[] {
  const processes: ProcInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info !== undefined) processes.push(info);
  }
  return processes;
}

/** One process from /proc, or undefined when it does not exist (any more). */
export function readProcess(pid: number): ProcInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const parsed = parseStat(stat);
  if (parsed === undefined) return undefined;

  let cmdline = '';
  if (parsed.state !== 'Z') {
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .replace(/\0+$/, '')
        .split('\0')
        .join(' ');
    } catch {
      return undefined;
    }
  }
  return { pid, ...parsed, cmdline };
}

/**
 * Parses /proc/PID/stat. The command name is in parentheses and may itself contain
 * spaces and parentheses, so the fields are read after the last ')'.
 */
export function parseStat(stat: string): Omit<ProcInfo, 'pid' | 'cmdline'> | undefined {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;

  const comm = stat.slice(open + 1, close);
  // After ')': state (field 3), ppid (4), ... starttime (22).
  const fields = stat.slice(close + 2).split(' ');
  const state = fields[0];
  const ppid = Number(fields[1]);
  const startTicks = Number(fields[19]);
  if (state === undefined || !Number.isFinite(ppid)) return undefined;

  return { state, ppid, comm, startTicks: Number.isFinite(startTicks) ? startTicks : 0 };
}
