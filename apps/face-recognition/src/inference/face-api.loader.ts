import { createRequire } from 'node:module';
import * as path from 'node:path';

import type * as FaceApiModule from '@vladmandic/face-api/dist/face-api.node-wasm.js';

export type FaceApi = typeof FaceApiModule;

/** `auto` prefers tfjs-node when it resolves and loads, else WASM. */
export type BackendPreference = 'auto' | 'tensorflow' | 'wasm';

export type DetectorKind = 'tiny' | 'ssd';

/** The parts of the tfjs runtime called directly; face-api's typings expose only its own ops. */
export interface TfRuntime {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  memory(): { numTensors: number; numDataBuffers: number; numBytes: number };
  env(): { getAsync(flag: string): Promise<unknown> };
  version_core: string;
}

export interface LoadedFaceApi {
  faceapi: FaceApi;
  tf: TfRuntime;
  /** `tensorflow` (tfjs-node, native) or `wasm`. */
  backend: string;
  simd: boolean;
  multithread: boolean;
  /** Why the native backend is not used, when it is not. */
  nativeUnavailableReason?: string;
  faceApiVersion: string;
  tfjsVersion: string;
}

interface WasmBackendModule {
  setWasmPaths(prefixOrFileMap: string, usePlatformFetch?: boolean): void;
}

// Resolved at run time from node_modules, also from the webpack bundle (externals).
const nodeRequire = createRequire(__filename);

const NATIVE_ENTRY = '@vladmandic/face-api/dist/face-api.node.js';
// The package's main entry requires tfjs-node; this one runs on the WASM backend.
const WASM_ENTRY = '@vladmandic/face-api/dist/face-api.node-wasm.js';

/**
 * Loads face-api on the best backend this machine has. Once per thread: tfjs keeps one
 * engine per isolate.
 */
export async function loadFaceApi(preference: BackendPreference): Promise<LoadedFaceApi> {
  const nativeProblem = nativeBackendProblem();
  if (preference === 'tensorflow' && nativeProblem !== undefined) {
    throw new Error(`backend "tensorflow" requested but ${nativeProblem}`);
  }

  let nativeUnavailableReason = nativeProblem;
  if (preference !== 'wasm' && nativeProblem === undefined) {
    try {
      return await loadNative();
    } catch (error: unknown) {
      // tfjs-node can resolve and still fail to load its binding (no libtensorflow, Node ABI).
      if (preference === 'tensorflow') throw error;
      nativeUnavailableReason = `tfjs-node failed to load: ${String(error)}`;
    }
  }
  if (preference === 'wasm') nativeUnavailableReason = 'WASM requested';

  return { ...(await loadWasm()), nativeUnavailableReason };
}

function nativeBackendProblem(): string | undefined {
  try {
    nodeRequire.resolve('@tensorflow/tfjs-node');
    return undefined;
  } catch {
    return '@tensorflow/tfjs-node is not installed';
  }
}

async function loadNative(): Promise<LoadedFaceApi> {
  const faceapi = nodeRequire(NATIVE_ENTRY) as FaceApi;
  const tf = faceapi.tf as unknown as TfRuntime;
  if (!(await tf.setBackend('tensorflow'))) {
    throw new Error('the tensorflow backend did not initialise');
  }
  await tf.ready();

  return {
    faceapi,
    tf,
    backend: tf.getBackend(),
    simd: false,
    multithread: true,
    faceApiVersion: faceapi.version,
    tfjsVersion: tf.version_core,
  };
}

async function loadWasm(): Promise<LoadedFaceApi> {
  const faceapi = nodeRequire(WASM_ENTRY) as FaceApi;
  const tf = faceapi.tf as unknown as TfRuntime;
  const wasmBackend = nodeRequire('@tensorflow/tfjs-backend-wasm') as WasmBackendModule;

  // Without a prefix the backend would fetch() the .wasm files; usePlatformFetch=false makes
  // Emscripten read them from disk.
  const wasmDir = path.dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
  wasmBackend.setWasmPaths(wasmDir, false);
  if (!(await tf.setBackend('wasm'))) {
    throw new Error(`the wasm backend did not initialise from ${wasmDir}`);
  }
  await tf.ready();

  return {
    faceapi,
    tf,
    backend: tf.getBackend(),
    simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
    // tfjs 4.22 reports false under Node whatever the CPU (tensorflow/tfjs#3830).
    multithread: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true,
    faceApiVersion: faceapi.version,
    tfjsVersion: tf.version_core,
  };
}

/** The model/ folder shipped inside @vladmandic/face-api: no download at run time. */
export function shippedModelDir(): string {
  return path.join(path.dirname(nodeRequire.resolve('@vladmandic/face-api/package.json')), 'model');
}

/**
 * Loads weights from disk. The full 68-point landmark net (not the tiny one) aligns faces
 * for the recognition net, which was trained on faces aligned by it.
 */
export async function loadModels(
  faceapi: FaceApi,
  detectors: readonly DetectorKind[],
  modelDir = shippedModelDir(),
): Promise<string> {
  const loads: Promise<void>[] = [
    faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir),
    faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir),
  ];
  if (detectors.includes('tiny')) loads.push(faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir));
  if (detectors.includes('ssd')) loads.push(faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir));
  await Promise.all(loads);
  return modelDir;
}
