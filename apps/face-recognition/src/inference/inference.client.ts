import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

import type { Logger } from '@edgewatch/telemetry';

import {
  ImageRejectedError,
  InferenceBusyError,
  InferenceFailedError,
  InferenceTimeoutError,
  InferenceUnavailableError,
  InferenceWorkerCrashedError,
} from './inference.errors';
import type {
  DetectDescribeResult,
  InferenceProfileName,
  InferenceRequest,
  InferenceWorkerConfig,
  TensorMemory,
  TensorMemoryResult,
  WorkerMessage,
  WorkerReady,
  WorkerReply,
} from './inference.protocol';

export interface InferenceClientOptions {
  worker: InferenceWorkerConfig;
  logger: Logger;
  /**
   * From sending a request to its reply, queueing in the
   * worker included; past it the worker is replaced, in ms.
   */
  requestTimeoutMs: number;
  /** Requests waiting for the worker before InferenceBusyError. */
  maxPending: number;
  /** Loading models and warming up may take this long, in ms. Default 120000. */
  startTimeoutMs?: number;
  /**
   * First restart delay after a crash, doubled per
   * crash up to restartMaxDelayMs, in ms. Default 500.
   */
  restartInitialDelayMs?: number;
  /** Largest restart delay, in ms. Default 30000. */
  restartMaxDelayMs?: number;
  /** A worker ready for this long resets the restart delay, in ms. Default 60000. */
  healthyResetMs?: number;
  /**
   * The worker file; default: inference.worker.js
   * beside this module, or the .ts source under tsx.
   */
  workerFile?: string;
  /** Told about what metrics count; the client itself only logs. */
  observer?: InferenceObserver;
}

export interface InferenceObserver {
  ready?(ready: WorkerReady): void;
  restarted?(reason: 'exit' | 'timeout'): void;
  tensors?(tensors: TensorMemory): void;
}

export interface DetectDescribeOptions {
  profile: InferenceProfileName;
  /** In original image pixels. */
  minFaceHeightPx: number;
  maxFaces: number;
}

export type InferenceState = 'idle' | 'starting' | 'ready' | 'restarting' | 'closed';

interface PendingRequest {
  resolve(reply: WorkerReply & { ok: true }): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

type RequestBody<R> = R extends InferenceRequest ? Omit<R, 'id'> : never;

/**
 * Runs face inference in a worker thread, so the main thread keeps answering HTTP and
 * renewing job locks while WASM blocks for hundreds of milliseconds. Requests are answered
 * in order. A worker that exits is restarted with backoff; one that does not answer in time
 * is terminated and restarted (a hung WASM call cannot be interrupted otherwise).
 */
export class InferenceClient {
  private readonly logger: Logger;
  private readonly startTimeoutMs: number;
  private readonly restartInitialDelayMs: number;
  private readonly restartMaxDelayMs: number;
  private readonly healthyResetMs: number;

  private worker: Worker | undefined;
  private state: InferenceState = 'idle';
  private stateSince = Date.now();
  private readyInfo: WorkerReady | undefined;
  private restartDelayMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private terminatedForTimeout = false;
  private firstStart: Promise<WorkerReady> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: InferenceClientOptions) {
    this.logger = options.logger.child({ context: InferenceClient.name });
    this.startTimeoutMs = options.startTimeoutMs ?? 120_000;
    this.restartInitialDelayMs = options.restartInitialDelayMs ?? 500;
    this.restartMaxDelayMs = options.restartMaxDelayMs ?? 30_000;
    this.healthyResetMs = options.healthyResetMs ?? 60_000;
    this.restartDelayMs = this.restartInitialDelayMs;
  }

  /** What the worker reported when it became ready, while it is ready. */
  get ready(): WorkerReady | undefined {
    return this.state === 'ready' ? this.readyInfo : undefined;
  }

  /** The worker's state and since when, epoch ms. */
  get status(): { state: InferenceState; sinceMs: number } {
    return { state: this.state, sinceMs: this.stateSince };
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Starts the worker; resolves when the models are loaded and warm. Idempotent. */
  start(): Promise<WorkerReady> {
    if (this.state === 'closed') {
      return Promise.reject(new InferenceUnavailableError('inference client is closed'));
    }
    this.firstStart ??= this.spawn();
    return this.firstStart;
  }

  async detectAndDescribe(
    image: Uint8Array,
    options: DetectDescribeOptions,
  ): Promise<DetectDescribeResult> {
    // A copy the worker can own: pooled Buffers share their ArrayBuffer with other data.
    const bytes = new Uint8Array(image);
    const reply = await this.send({ kind: 'detect-describe', image: bytes, ...options }, [
      bytes.buffer,
    ]);
    if (reply.kind !== 'detect-describe') {
      throw new InferenceFailedError(`unexpected ${reply.kind} reply`);
    }
    return reply.result;
  }

  /** Live tensors and their bytes, as tf.memory() reports them inside the worker. */
  async tensorMemory(): Promise<TensorMemoryResult> {
    const reply = await this.send({ kind: 'tensor-memory' }, []);
    if (reply.kind !== 'tensor-memory') {
      throw new InferenceFailedError(`unexpected ${reply.kind} reply`);
    }
    return reply.result;
  }

  /** Terminates the worker and rejects what is pending. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private send(
    request: RequestBody<InferenceRequest>,
    transfer: ArrayBuffer[],
  ): Promise<WorkerReply & { ok: true }> {
    const worker = this.worker;
    if (this.state !== 'ready' || worker === undefined) {
      return Promise.reject(new InferenceUnavailableError(`inference worker is ${this.state}`));
    }
    if (this.pending.size >= this.options.maxPending) {
      return Promise.reject(
        new InferenceBusyError(`${this.pending.size} inference requests already pending`),
      );
    }

    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.onTimeout(id, worker), this.options.requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  private onTimeout(id: number, worker: Worker): void {
    const request = this.pending.get(id);
    if (request === undefined) return;

    this.pending.delete(id);
    const timeoutMs = this.options.requestTimeoutMs;
    request.reject(new InferenceTimeoutError(`no inference answer within ${timeoutMs} ms`));
    if (worker !== this.worker) return;

    this.logger.error({ requestId: id, timeoutMs }, 'inference worker hung; replacing it');
    this.terminatedForTimeout = true;
    void worker.terminate();
  }

  private spawn(): Promise<WorkerReady> {
    const { file, execArgv } = this.workerFile();
    this.setState('starting');

    return new Promise<WorkerReady>((resolve, reject) => {
      const worker = new Worker(file, { workerData: this.options.worker, execArgv });
      this.worker = worker;
      const startTimer = setTimeout(() => {
        this.logger.error(
          { startTimeoutMs: this.startTimeoutMs },
          'inference worker did not start in time',
        );
        void worker.terminate();
      }, this.startTimeoutMs);

      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(startTimer);
          this.onReady(message);
          resolve(message);
          return;
        }
        this.onReply(message);
      });
      worker.on('error', (error: Error) => {
        this.logger.error({ err: error }, 'inference worker failed');
      });
      worker.on('exit', (exitCode: number) => {
        clearTimeout(startTimer);
        // Without effect once ready was resolved; otherwise start() learns of the failure.
        reject(
          new InferenceWorkerCrashedError(
            `inference worker exited (${exitCode}) before it was ready`,
          ),
        );
        if (worker === this.worker) this.onExit(exitCode);
      });
    });
  }

  private workerFile(): { file: string; execArgv: string[] } {
    const file =
      this.options.workerFile ??
      // From TypeScript source (tests, tsx) there is no compiled worker beside this module.
      path.join(
        __dirname,
        __filename.endsWith('.ts') ? 'inference.worker.ts' : 'inference.worker.js',
      );
    // Node 20 ignores `--import tsx` in a worker's execArgv (ERR_UNKNOWN_FILE_EXTENSION);
    // tsx's CommonJS hook works on Node 20 and 22. The worker imports no path alias.
    return { file, execArgv: file.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [] };
  }

  private onReady(message: WorkerReady): void {
    this.readyInfo = message;
    this.setState('ready');
    this.options.observer?.ready?.(message);
    this.options.observer?.tensors?.(message.tensors);
  }

  private onReply(reply: WorkerReply): void {
    this.options.observer?.tensors?.(reply.tensors);
    const request = this.pending.get(reply.id);
    // A reply after its timeout: the caller has already been told.
    if (request === undefined) return;

    this.pending.delete(reply.id);
    clearTimeout(request.timer);
    if (reply.ok) {
      request.resolve(reply);
    } else if (reply.failure.kind === 'internal') {
      request.reject(new InferenceFailedError(reply.failure.message));
    } else {
      request.reject(new ImageRejectedError(reply.failure.kind, reply.failure.message));
    }
  }

  private onExit(exitCode: number): void {
    this.worker = undefined;
    this.rejectAllPending(new InferenceWorkerCrashedError(`inference worker exited (${exitCode})`));
    if (this.state === 'closed') return;

    const wasHealthy =
      this.state === 'ready' && Date.now() - this.stateSince >= this.healthyResetMs;
    if (wasHealthy) this.restartDelayMs = this.restartInitialDelayMs;
    const delayMs = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, this.restartMaxDelayMs);
    this.options.observer?.restarted?.(this.terminatedForTimeout ? 'timeout' : 'exit');
    this.terminatedForTimeout = false;
    this.setState('restarting');
    this.logger.warn({ exitCode, delayMs }, 'inference worker exited; restarting');

    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      // A failed start shows up as another exit, which schedules the next attempt.
      this.spawn().catch(() => undefined);
    }, delayMs);
  }

  private rejectAllPending(error: Error): void {
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      this.pending.delete(id);
      request.reject(error);
    }
  }

  private setState(state: InferenceState): void {
    this.state = state;
    this.stateSince = Date.now();
  }

  private async shutDown(): Promise<void> {
    this.setState('closed');
    clearTimeout(this.restartTimer);
    this.rejectAllPending(new InferenceUnavailableError('inference client closed'));

    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }
}
