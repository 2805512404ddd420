import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import { classLogger, METRICS_REGISTRY, ROOT_LOGGER, type Logger } from '@edgewatch/telemetry';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import { FACE_RECOGNITION_CONFIG } from '../app.tokens';

import { FACE_API_VERSION, FACE_MODEL_ID } from './face-model.constants';
import {
  InferenceClient,
  type DetectDescribeOptions,
  type InferenceState,
} from './inference.client';
import { inferenceWorkerConfig } from './inference-worker.config';
import type {
  DetectDescribeResult,
  TensorMemory,
  TensorMemoryResult,
  WorkerReady,
} from './inference.protocol';

/**
 * Inference requests waiting at once beyond those
 * of `/recognise`: the frames worker and a probe.
 */
const EXTRA_PENDING = 2;

/**
 * The service's inference worker thread: started with the module, stopped with it, and
 * measured (tensors, durations, restarts).
 */
@Injectable()
export class InferenceService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly client: InferenceClient;
  private readonly liveTensors: Gauge;
  private readonly tensorBytes: Gauge;
  private readonly durations: Histogram<'detector' | 'profile'>;
  private readonly restarts: Counter<'reason'>;
  private readonly readyWaiters = new Set<() => void>();

  constructor(
    @Inject(FACE_RECOGNITION_CONFIG) private readonly config: FaceRecognitionConfig,
    @Inject(ROOT_LOGGER) root: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.logger = classLogger(root, InferenceService.name);
    this.liveTensors = new Gauge({
      name: 'edgewatch_live_tensors',
      help: 'TensorFlow.js tensors alive in the inference worker (tf.memory().numTensors).',
      registers: [registry],
    });
    this.tensorBytes = new Gauge({
      name: 'edgewatch_tensor_bytes',
      help:
        'Bytes of the TensorFlow.js tensors alive in the inference worker ' +
        '(tf.memory().numBytes).',
      registers: [registry],
    });
    this.durations = new Histogram({
      name: 'edgewatch_inference_duration_seconds',
      help:
        'Decode, detection and description of one image in the worker thread, ' +
        'by detector and profile.',
      labelNames: ['detector', 'profile'],
      buckets: [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5],
      registers: [registry],
    });
    this.restarts = new Counter({
      name: 'edgewatch_inference_worker_restarts_total',
      help: 'Inference worker threads replaced, by reason (exit, timeout).',
      labelNames: ['reason'],
      registers: [registry],
    });

    this.client = new InferenceClient({
      worker: inferenceWorkerConfig(config),
      logger: this.logger,
      requestTimeoutMs: config.inferenceTimeoutMs,
      maxPending: config.recognise.concurrency + EXTRA_PENDING,
      observer: {
        ready: (ready) => this.onReady(ready),
        restarted: (reason) => this.restarts.inc({ reason }),
        tensors: (tensors) => this.onTensors(tensors),
      },
    });
  }

  onModuleInit(): void {
    // Not awaited: HTTP and health answer while the models load; readiness reports it.
    this.client.start().catch((error: unknown) => {
      this.logger.error({ err: error }, 'inference worker failed to start; retrying');
    });
  }

  /** After every module's destroy hook: the frames worker has stopped sending work by then. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Idempotent. */
  async close(): Promise<void> {
    for (const wake of this.readyWaiters) wake();
    this.readyWaiters.clear();
    const wasRunning = this.client.status.state !== 'closed';
    await this.client.close();
    if (wasRunning) this.logger.info('inference worker stopped');
  }

  get ready(): WorkerReady | undefined {
    return this.client.ready;
  }

  get status(): { state: InferenceState; sinceMs: number } {
    return this.client.status;
  }

  /** Resolves once the models are loaded (or the service closes). */
  whenReady(): Promise<void> {
    if (this.client.ready || this.client.status.state === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.add(resolve));
  }

  async detectAndDescribe(
    image: Uint8Array,
    options: DetectDescribeOptions,
  ): Promise<DetectDescribeResult> {
    const result = await this.client.detectAndDescribe(image, options);
    const detector = this.detectorOf(options.profile);
    this.durations.observe({ detector, profile: options.profile }, result.totalMs / 1_000);
    return result;
  }

  tensorMemory(): Promise<TensorMemoryResult> {
    return this.client.tensorMemory();
  }

  private detectorOf(profile: DetectDescribeOptions['profile']): string {
    return profile === 'live' ? this.config.live.detector : this.config.recognise.detector;
  }

  private onReady(ready: WorkerReady): void {
    const level = ready.faceApiVersion === FACE_API_VERSION ? 'info' : 'error';
    this.logger[level](
      {
        backend: ready.backend,
        simd: ready.simd,
        multithread: ready.multithread,
        nativeUnavailableReason: ready.nativeUnavailableReason,
        detectors: ready.detectors,
        profiles: ready.profiles,
        faceApiVersion: ready.faceApiVersion,
        expectedFaceApiVersion: FACE_API_VERSION,
        tfjsVersion: ready.tfjsVersion,
        modelId: FACE_MODEL_ID,
        modelDir: ready.modelDir,
        startupMs: ready.startupMs,
        tensors: ready.tensors,
      },
      `inference ready on ${ready.backend}` +
        (ready.backend === 'wasm' ? ` (SIMD ${ready.simd ? 'yes' : 'no'})` : ''),
    );
    for (const wake of this.readyWaiters) wake();
    this.readyWaiters.clear();
  }

  private onTensors(tensors: TensorMemory): void {
    this.liveTensors.set(tensors.numTensors);
    this.tensorBytes.set(tensors.numBytes);
  }
}
