import type { BackendPreference, DetectorKind } from './face-api.loader';
import type { ResizePolicy } from './image.decoder';

/*
 * Messages between the main thread and the inference worker thread. Only plain data: the
 * worker file imports nothing of the monorepo's libraries, so it runs as a bundle entry and
 * from TypeScript source alike.
 */

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DetectorSpec {
  kind: DetectorKind;
  /** Tiny detector input size in pixels, a multiple of 32; ignored by SSD. */
  inputSize: number;
  /** Minimum detection score, 0..1. */
  minScore: number;
}

/**
 * How one kind of image is detected. Callers name a profile, never a size, so the set of
 * tensor shapes (and with it the WASM heap, which never shrinks) stays fixed.
 */
export interface InferenceProfile {
  detector: DetectorSpec;
  resize: ResizePolicy;
  /**
   * When no face is found, detect once more with this margin around the image (a fraction
   * of its longest side): a tight crop such as an ID photo leaves the detector no context.
   */
  noFaceMarginFraction?: number;
}

/** `live`: camera frames, fast detector. `photo`: enrolment photos, accurate detector. */
export type InferenceProfileName = 'live' | 'photo';

export interface InferenceWorkerConfig {
  backend: BackendPreference;
  profiles: Record<InferenceProfileName, InferenceProfile>;
  /** Largest image accepted, width × height, checked from the header before decoding. */
  maxInputPixels: number;
  /** Upper bound of a request's maxFaces. */
  maxFacesLimit: number;
  /** Folder of the weights; default: the one shipped in @vladmandic/face-api. */
  modelDir?: string;
}

export interface DetectDescribeRequest {
  id: number;
  kind: 'detect-describe';
  /** JPEG, PNG or WEBP bytes, transferred. */
  image: Uint8Array;
  profile: InferenceProfileName;
  minFaceHeightPx: number;
  maxFaces: number;
}

export interface TensorMemoryRequest {
  id: number;
  kind: 'tensor-memory';
}

export type InferenceRequest = DetectDescribeRequest | TensorMemoryRequest;

export interface WireFace {
  box: FaceBox;
  score: number;
  descriptor: Float32Array;
}

export interface TensorMemory {
  numTensors: number;
  numBytes: number;
}

export interface DetectDescribeResult {
  faces: WireFace[];
  /** Image size as displayed (after EXIF orientation). */
  width: number;
  height: number;
  detectedCount: number;
  /** True when the faces come from the second attempt, with a margin around the image. */
  withMargin: boolean;
  skippedTooSmall: number;
  skippedOverCap: number;
  decodeMs: number;
  detectMs: number;
  describeMs: number;
  totalMs: number;
}

export interface TensorMemoryResult {
  tensors: TensorMemory;
  /** The worker thread's own JS heap; WASM memory shows in the process RSS. */
  heapUsedBytes: number;
}

export type InferenceFailureKind = 'not-an-image' | 'too-many-pixels' | 'internal';

export type WorkerReply =
  | {
      type: 'reply';
      id: number;
      ok: true;
      kind: 'detect-describe';
      result: DetectDescribeResult;
      tensors: TensorMemory;
    }
  | {
      type: 'reply';
      id: number;
      ok: true;
      kind: 'tensor-memory';
      result: TensorMemoryResult;
      tensors: TensorMemory;
    }
  | {
      type: 'reply';
      id: number;
      ok: false;
      failure: { kind: InferenceFailureKind; message: string };
      tensors: TensorMemory;
    };

export interface WorkerReady {
  type: 'ready';
  backend: string;
  simd: boolean;
  multithread: boolean;
  nativeUnavailableReason?: string;
  detectors: DetectorKind[];
  profiles: Record<InferenceProfileName, InferenceProfile>;
  faceApiVersion: string;
  tfjsVersion: string;
  modelDir: string;
  startupMs: number;
  tensors: TensorMemory;
}

export type WorkerMessage = WorkerReady | WorkerReply;
