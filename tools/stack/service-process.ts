import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

import { repoRoot, waitFor } from '@edgewatch/testing';

const TAIL_LINES = 400;

export interface ServiceProcessOptions {
  /** The Nx app name; its build lives in dist/apps/NAME. */
  app: string;
  port: number;
  env: Record<string, string>;
  /** Every output line is appended here. */
  logFile: string;
  /** Called with each output line (for a demo that shows some of them). */
  onLine?: (line: string) => void;
}

/** One of our services, run from its build as it runs in the image, with its output captured. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private readonly tail: string[] = [];
  private log: WriteStream | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: ServiceProcessOptions) {}

  get name(): string {
    return this.options.app;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the service printed (bounded). */
  lines(): readonly string[] {
    return this.tail;
  }

  start(): void {
    if (this.child) return;

    this.log = createWriteStream(this.options.logFile, { flags: 'a' });
    const main = join(repoRoot(), 'dist', 'apps', this.options.app, 'main.js');
    const child = spawn(process.execPath, ['--enable-source-maps', main], {
      cwd: repoRoot(),
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/tmp',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('error', (error) =>
      this.remember(`[stack] ${this.name} could not start: ${error.message}`),
    );
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        parts.forEach((line) => this.remember(line));
      });
    }
  }

  /** Waits until GET path answers 2xx; fails early, with the output tail, if the process exits. */
  async waitHealthy(path: string, timeoutMs: number): Promise<void> {
    let exitedEarly = false;
    void this.exited.then(() => (exitedEarly = true));
    try {
      await waitFor(
        async () => {
          if (exitedEarly) throw new Error(`${this.name} exited`);
          const response = await fetch(`${this.baseUrl}${path}`).catch(() => undefined);
          return response?.ok ?? false;
        },
        { timeoutMs, intervalMs: 250, what: `${this.name} ${path} to answer 2xx` },
      );
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${reason}\nlast lines of ${this.name}:\n${this.tail.slice(-30).join('\n')}`);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Idempotent. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.log?.end();
      return;
    }
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.log?.end();
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.log?.write(`${line}\n`);
    this.options.onLine?.(line);
  }
}
