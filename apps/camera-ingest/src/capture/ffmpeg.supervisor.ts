import { ChildProcess, spawn } from 'node:child_process';

import { LogRateLimiter, type Logger } from '@edgewatch/telemetry';

import type { RestartReason } from './camera.metrics';
import { JpegFrameSplitter } from './jpeg-frame.splitter';
import { OverspeedDetector, type OverspeedOptions } from './overspeed.detector';
import { RestartBackoffPolicy, type RestartBackoffOptions } from './restart-backoff.policy';
import { StderrLinesReader } from './stderr-lines.reader';

export interface FfmpegSupervisorOptions {
  cameraId: string;
  /** The ffmpeg binary. */
  ffmpegPath: string;
  /** Its arguments; they hold the camera URL, so they are logged only through `redact`. */
  args: readonly string[];
  /** Removes camera credentials from any text about this ffmpeg before it is logged. */
  redact: (text: string) => string;
  /** No frame for this long restarts ffmpeg, in ms (measured from the start while none came). */
  stallTimeoutMs: number;
  /** Time between SIGTERM and SIGKILL, in ms. */
  stopGraceMs: number;
  /** One log line per kind of trouble per this many ms; the rest are counted. */
  logIntervalMs: number;
  /** Largest JPEG kept, in bytes. */
  maxFrameBytes: number;
  backoff: RestartBackoffOptions;
  overspeed: OverspeedOptions;
}

/** What the supervisor reports; the camera pipeline turns it into metrics and frames. */
export interface FfmpegSupervisorEvents {
  onFrame(jpeg: Buffer, readAt: number): void;
  onOversizeFrame(sizeBytes: number): void;
  onFfmpegRunning(running: boolean): void;
  onRestartScheduled(restart: RestartRecord): void;
}

/** One restart decision, kept for status and tests. */
export interface RestartRecord {
  reason: RestartReason;
  /** The backoff delay waited before the next start, in ms. */
  delayMs: number;
  /** When the restart was decided, epoch ms. */
  at: number;
}

export type SupervisorState = 'idle' | 'running' | 'stopping' | 'waiting' | 'closed';

/** Restart records kept for status; older ones are forgotten. */
const RESTART_HISTORY_LIMIT = 100;
/** Longest stderr line kept, in characters; ffmpeg's longest useful lines are far shorter. */
const STDERR_MAX_LINE_CHARS = 1_000;
const STDERR_TAIL_LINES = 10;

/** Process groups of every live ffmpeg of this process, killed if Node itself exits. */
const liveProcessGroups = new Set<number>();
let exitHookInstalled = false;

function killLiveGroupsOnExit(): void {
  for (const pid of liveProcessGroups) signalGroup(pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** One ffmpeg process and what was read from it. */
interface FfmpegRun {
  child: ChildProcess;
  pid: number;
  startedAt: number;
  lastFrameAt: number | undefined;
  exited: boolean;
  /** Resolves once Node has reaped the process (its 'exit' event). */
  reaped: Promise<void>;
  splitter: JpegFrameSplitter;
  stderr: StderrLinesReader;
}

/**
 * Keeps one ffmpeg running for one camera, for weeks. ffmpeg leads its own process group,
 * so a restart kills everything it started; every process is reaped before the next one
 * starts, so a camera never has two. It restarts on exit, on no frame for the stall
 * timeout and on a frame rate held far above the one asked for, waiting a capped,
 * doubling delay in between, and never gives up. Start-up does not wait for the camera.
 */
export class FfmpegSupervisor {
  private readonly logger: Logger;
  private readonly logLimiter: LogRateLimiter;
  private readonly backoff: RestartBackoffPolicy;
  private readonly overspeed: OverspeedDetector;
  private readonly restartHistory: RestartRecord[] = [];
  private state: SupervisorState = 'idle';
  private run: FfmpegRun | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private lastFrameAtAnyRun: number | null = null;
  private lastFirstFrameDelayMs: number | undefined;

  constructor(
    private readonly options: FfmpegSupervisorOptions,
    private readonly events: FfmpegSupervisorEvents,
    rootLogger: Logger,
  ) {
    this.logger = rootLogger.child({ context: FfmpegSupervisor.name, cameraId: options.cameraId });
    this.logLimiter = new LogRateLimiter(options.logIntervalMs);
    this.backoff = new RestartBackoffPolicy(options.backoff);
    this.overspeed = new OverspeedDetector(options.overspeed);
  }

  get currentState(): SupervisorState {
    return this.state;
  }

  /** The pid of the running ffmpeg, if one runs. */
  get pid(): number | undefined {
    return this.run && !this.run.exited ? this.run.pid : undefined;
  }

  /** When the camera last delivered a frame, epoch ms, or null when it never has. */
  get lastFrameAt(): number | null {
    return this.lastFrameAtAnyRun;
  }

  /** The most recent restarts, oldest first (at most 100). */
  get restarts(): readonly RestartRecord[] {
    return this.restartHistory;
  }

  /** From spawning the latest ffmpeg to its first frame, in ms. */
  get firstFrameDelayMs(): number | undefined {
    return this.lastFirstFrameDelayMs;
  }

  /** Starts the first ffmpeg now and the watchdog; returns at once. */
  start(): void {
    if (this.state !== 'idle') return;

    const checkEveryMs = Math.min(1_000, Math.max(50, Math.floor(this.options.stallTimeoutMs / 4)));
    this.watchdogTimer = setInterval(() => this.checkForStall(), checkEveryMs);
    this.logger.info({ command: this.describeCommand() }, 'starting camera ffmpeg');
    this.spawnRun();
  }

  /** Stops ffmpeg (SIGTERM, then SIGKILL after the grace time) and reaps it. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.restartTimer);
    clearInterval(this.watchdogTimer);
    const run = this.run;
    if (run) await this.stopRun(run);
    this.run = undefined;
    this.events.onFfmpegRunning(false);
  }

  private spawnRun(): void {
    this.restartTimer = undefined;
    if (this.isClosed()) return;

    this.backoff.runStarted();
    this.overspeed.reset();
    let child: ChildProcess;
    try {
      child = spawn(this.options.ffmpegPath, [...this.options.args], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error: unknown) {
      this.onSpawnFailed(error);
      return;
    }

    if (child.pid === undefined) {
      // ENOENT, EACCES and friends arrive as an 'error' event on the next tick.
      child.once('error', (error) => this.onSpawnFailed(error));
      this.discardStreams(child);
      this.state = 'waiting';
      return;
    }
    this.attachRun(child, child.pid);
  }

  private attachRun(child: ChildProcess, pid: number): void {
    let markReaped: () => void = () => undefined;
    const run: FfmpegRun = {
      child,
      pid,
      startedAt: Date.now(),
      lastFrameAt: undefined,
      exited: false,
      reaped: new Promise<void>((resolve) => (markReaped = resolve)),
      splitter: new JpegFrameSplitter(
        { maxFrameBytes: this.options.maxFrameBytes },
        {
          onFrame: (jpeg) => this.onFrame(run, jpeg),
          onOversize: (size) => this.events.onOversizeFrame(size),
        },
      ),
      stderr: new StderrLinesReader({
        maxLineChars: STDERR_MAX_LINE_CHARS,
        tailLines: STDERR_TAIL_LINES,
        redact: this.options.redact,
        onLine: (line) => this.logStderrLine(line),
      }),
    };
    this.run = run;
    this.state = 'running';
    liveProcessGroups.add(pid);
    if (!exitHookInstalled) {
      process.once('exit', killLiveGroupsOnExit);
      exitHookInstalled = true;
    }

    child.stdout?.on('data', (chunk: Buffer) => {
      if (this.run === run) run.splitter.push(chunk);
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => run.stderr.push(text));
    // A pipe error must not become an uncaught exception; the exit that follows is handled.
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);
    child.on('error', (error) =>
      this.logLimited(
        'child-error',
        'warn',
        { error: this.describeError(error) },
        'ffmpeg process error',
      ),
    );
    child.once('exit', (code, signal) => {
      run.exited = true;
      liveProcessGroups.delete(pid);
      run.stderr.flush();
      markReaped();
      this.onExit(run, code, signal);
    });
    this.events.onFfmpegRunning(true);
  }

  private onFrame(run: FfmpegRun, jpeg: Buffer): void {
    if (this.run !== run || this.state !== 'running') return;

    const now = Date.now();
    if (run.lastFrameAt === undefined) this.onFirstFrame(run, now);
    run.lastFrameAt = now;
    this.lastFrameAtAnyRun = now;
    this.backoff.frameSeen(now);
    this.events.onFrame(jpeg, now);

    if (this.overspeed.frameSeen(now)) {
      void this.restart('overspeed');
    }
  }

  private onFirstFrame(run: FfmpegRun, now: number): void {
    this.lastFirstFrameDelayMs = now - run.startedAt;
    this.logLimited(
      'first-frame',
      'info',
      { firstFrameDelayMs: this.lastFirstFrameDelayMs, pid: run.pid },
      'camera frames flowing',
    );
  }

  private onExit(run: FfmpegRun, code: number | null, signal: NodeJS.Signals | null): void {
    this.events.onFfmpegRunning(false);
    if (this.run !== run || this.state !== 'running') return;

    this.logLimited(
      'exit',
      'warn',
      { pid: run.pid, code, signal, stderrTail: run.stderr.tail },
      'camera ffmpeg exited',
    );
    void this.restart('exit');
  }

  private onSpawnFailed(error: unknown): void {
    if (this.isClosed()) return;

    this.logLimited(
      'spawn-error',
      'error',
      { error: this.describeError(error), ffmpegPath: this.options.ffmpegPath },
      `cannot start ffmpeg (${this.options.ffmpegPath})`,
    );
    this.run = undefined;
    this.scheduleStart('spawn_error');
  }

  private checkForStall(): void {
    const run = this.run;
    if (this.state !== 'running' || !run) return;

    const lastSignOfLife = run.lastFrameAt ?? run.startedAt;
    const silentMs = Date.now() - lastSignOfLife;
    if (silentMs < this.options.stallTimeoutMs) return;

    this.logLimited(
      'stall',
      'warn',
      {
        pid: run.pid,
        silentMs,
        hadFrames: run.lastFrameAt !== undefined,
        stderrTail: run.stderr.tail,
      },
      'camera stalled: no frame within the stall timeout',
    );
    void this.restart('stall');
  }

  private async restart(reason: RestartReason): Promise<void> {
    const run = this.run;
    if (this.state !== 'running' || !run) return;

    this.state = 'stopping';
    await this.stopRun(run);
    if (this.isClosed()) return;

    this.run = undefined;
    this.scheduleStart(reason);
  }

  private scheduleStart(reason: RestartReason): void {
    const delayMs = this.backoff.nextDelayMs();
    const record: RestartRecord = { reason, delayMs, at: Date.now() };
    this.restartHistory.push(record);
    if (this.restartHistory.length > RESTART_HISTORY_LIMIT) this.restartHistory.shift();
    this.events.onRestartScheduled(record);
    this.logLimited('restart', 'warn', { reason, delayMs }, 'camera ffmpeg restarts after a delay');

    this.state = 'waiting';
    this.restartTimer = setTimeout(() => this.spawnRun(), delayMs);
  }

  /** SIGTERM to the group, SIGKILL after the grace time, and wait until Node reaped it. */
  private async stopRun(run: FfmpegRun): Promise<void> {
    if (run.exited) return;

    signalGroup(run.pid, 'SIGTERM');
    // A stopped process would hold the SIGTERM until continued.
    signalGroup(run.pid, 'SIGCONT');
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      graceTimer = setTimeout(() => resolve('grace-over'), this.options.stopGraceMs);
    });
    const outcome = await Promise.race([run.reaped.then(() => 'reaped' as const), graceOver]);
    clearTimeout(graceTimer);

    // While the leader is unreaped its pid cannot be reused, so the group id is still ours.
    if (outcome === 'grace-over' && !run.exited) {
      signalGroup(run.pid, 'SIGKILL');
    }
    await run.reaped;
  }

  private discardStreams(child: ChildProcess): void {
    child.stdout?.on('error', () => undefined).resume();
    child.stderr?.on('error', () => undefined).resume();
  }

  private logStderrLine(line: string): void {
    this.logLimited('stderr', 'warn', { ffmpegStderr: line }, 'camera ffmpeg says');
  }

  private logLimited(
    key: string,
    level: 'info' | 'warn' | 'error',
    fields: object,
    message: string,
  ): void {
    const suppressed = this.logLimiter.take(key);
    if (suppressed === null) return;
    this.logger[level]({ ...fields, suppressedSinceLastLine: suppressed }, message);
  }

  /**
   * A spawn error carries `spawnargs`, the camera URL with its password, so the error
   * object itself is never logged: only its code and redacted message.
   */
  private describeError(error: unknown): { code?: string; message: string } {
    if (!(error instanceof Error)) return { message: this.options.redact(String(error)) };
    const code = (error as NodeJS.ErrnoException).code;
    return { ...(code === undefined ? {} : { code }), message: this.options.redact(error.message) };
  }

  private describeCommand(): string {
    return this.options.redact([this.options.ffmpegPath, ...this.options.args].join(' '));
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }
}
