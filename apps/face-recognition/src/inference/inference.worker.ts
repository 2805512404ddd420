import { parentPort, workerData } from 'node:worker_threads';

import sharp from 'sharp';

import { loadFaceApi, loadModels, type DetectorKind, type LoadedFaceApi } from './face-api.loader';
import { FacePipeline } from './face.pipeline';
import { decodeImage, NotAnImageError, TooManyPixelsError } from './image.decoder';
import type {
  DetectDescribeRequest,
  DetectDescribeResult,
  InferenceProfile,
  InferenceFailureKind,
  InferenceRequest,
  InferenceWorkerConfig,
  TensorMemory,
  WorkerMessage,
} from './inference.protocol';

/*
 * The inference worker thread: loads the models once, then answers requests one at a time.
 * It must not import the monorepo's libraries (see inference.protocol.ts); it reports to the
 * main thread, which logs and counts.
 */

// A 1×1 black PNG: runs each profile once so the first real frame is not the slow one.
const WARM_UP_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC',
  'base64',
);

class InferenceWorker {
  // One request at a time: one thread gains nothing from interleaving, and interleaving
  // would raise the peak WASM heap.
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: InferenceWorkerConfig,
    private readonly loaded: LoadedFaceApi,
    private readonly pipeline: FacePipeline,
    private readonly post: (message: WorkerMessage, transfer?: ArrayBuffer[]) => void,
  ) {}

  enqueue(request: InferenceRequest): void {
    this.queue = this.queue.then(() => this.handle(request));
  }

  async warmUp(): Promise<void> {
    for (const profile of ['live', 'photo'] as const) {
      await this.detectDescribe({
        id: 0,
        kind: 'detect-describe',
        image: WARM_UP_PNG,
        profile,
        minFaceHeightPx: 0,
        maxFaces: 1,
      });
    }
  }

  tensors(): TensorMemory {
    const { numTensors, numBytes } = this.loaded.tf.memory();
    return { numTensors, numBytes };
  }

  private async handle(request: InferenceRequest): Promise<void> {
    try {
      if (request.kind === 'tensor-memory') {
        const tensors = this.tensors();
        const result = { tensors, heapUsedBytes: process.memoryUsage().heapUsed };
        this.post({
          type: 'reply',
          id: request.id,
          ok: true,
          kind: 'tensor-memory',
          result,
          tensors,
        });
        return;
      }

      const result = await this.detectDescribe(request);
      const transfer = result.faces.map((face) => face.descriptor.buffer as ArrayBuffer);
      const reply = { type: 'reply', id: request.id, ok: true, kind: 'detect-describe' } as const;
      this.post({ ...reply, result, tensors: this.tensors() }, transfer);
    } catch (error: unknown) {
      const kind = failureKind(error);
      const failure = { kind, message: errorText(error, kind === 'internal') };
      this.post({ type: 'reply', id: request.id, ok: false, failure, tensors: this.tensors() });
    }
  }

  private async detectDescribe(request: DetectDescribeRequest): Promise<DetectDescribeResult> {
    const profile = this.config.profiles[request.profile];
    const start = performance.now();

    let attempt = await this.detectOnce(request, profile, 0);
    const marginFraction = profile.noFaceMarginFraction ?? 0;
    const withMargin = attempt.result.detectedCount === 0 && marginFraction > 0;
    if (withMargin) attempt = await this.detectOnce(request, profile, marginFraction);

    const { image, result, decodeMs } = attempt;
    return {
      faces: result.faces,
      width: image.originalWidth,
      height: image.originalHeight,
      detectedCount: result.detectedCount,
      withMargin,
      skippedTooSmall: result.skippedTooSmall,
      skippedOverCap: result.skippedOverCap,
      decodeMs,
      detectMs: result.detectMs,
      describeMs: result.describeMs,
      totalMs: performance.now() - start,
    };
  }

  private async detectOnce(
    request: DetectDescribeRequest,
    profile: InferenceProfile,
    marginFraction: number,
  ) {
    const decodeStart = performance.now();
    const image = await decodeImage(request.image, profile.resize, this.config.maxInputPixels, {
      marginFraction,
    });
    const decodeMs = performance.now() - decodeStart;

    const result = await this.pipeline.detectAndDescribe(image, {
      detector: profile.detector,
      minFaceHeightPx: Math.max(0, request.minFaceHeightPx),
      maxFaces: Math.max(0, Math.min(request.maxFaces, this.config.maxFacesLimit)),
    });
    return { image, result, decodeMs };
  }
}

function failureKind(error: unknown): InferenceFailureKind {
  if (error instanceof TooManyPixelsError) return 'too-many-pixels';
  if (error instanceof NotAnImageError) return 'not-an-image';
  return 'internal';
}

/** The stack only for unexpected failures: a bad image is an answer, not a bug. */
function errorText(error: unknown, withStack: boolean): string {
  if (!(error instanceof Error)) return String(error);
  return withStack ? (error.stack ?? error.message) : error.message;
}

async function start(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('inference.worker must run in a worker thread');
  const config = workerData as InferenceWorkerConfig;
  const startedAt = performance.now();

  // libvips' operation cache would keep decoded images around; one decode at a time suffices.
  sharp.cache(false);
  sharp.concurrency(1);

  const loaded = await loadFaceApi(config.backend);
  const detectors = [
    ...new Set<DetectorKind>(Object.values(config.profiles).map((p) => p.detector.kind)),
  ];
  const modelDir = await loadModels(loaded.faceapi, detectors, config.modelDir);
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
    port.postMessage(message, transfer);
  const worker = new InferenceWorker(config, loaded, new FacePipeline(loaded.faceapi), post);
  await worker.warmUp();

  port.on('message', (request: InferenceRequest) => worker.enqueue(request));
  post({
    type: 'ready',
    backend: loaded.backend,
    simd: loaded.simd,
    multithread: loaded.multithread,
    nativeUnavailableReason: loaded.nativeUnavailableReason,
    detectors,
    profiles: config.profiles,
    faceApiVersion: loaded.faceApiVersion,
    tfjsVersion: loaded.tfjsVersion,
    modelDir,
    startupMs: Math.round(performance.now() - startedAt),
    tensors: worker.tensors(),
  });
}

// Rethrown outside the promise chain, so a failed start ends the thread with an 'error'
// event; the client treats that as a crash and restarts it with backoff.
start().catch((error: unknown) => {
  setImmediate(() => {
    throw error;
  });
});
