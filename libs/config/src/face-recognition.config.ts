import { CommonConfig, commonConfigFrom, commonEnvShape } from './common.schema';
import {
  enumField,
  intField,
  numberField,
  optionalStringField,
  stringField,
  urlField,
} from './env-fields';
import { Env, parseEnv } from './parse-env';

const faceRecognitionEnvShape = {
  ...commonEnvShape,
  /** HTTP port: `/recognise`, health and metrics (the old system's port, kept for its callers). */
  PORT: intField(7777, { min: 1, max: 65535 }),
  /** DynamoDB endpoint; unset means AWS itself. The local default is dynalite on port 4567. */
  DYNAMODB_ENDPOINT: urlField('http://127.0.0.1:4567', ['http', 'https']),
  /** AWS region. */
  AWS_REGION: stringField('us-east-1'),
  /** Credentials; unset means the SDK's default chain (needed for AWS, dummy for dynalite). */
  AWS_ACCESS_KEY_ID: optionalStringField(),
  AWS_SECRET_ACCESS_KEY: optionalStringField(),
  /** DynamoDB table of members. */
  MEMBERS_TABLE: stringField('members'),
  /** How often the member set is re-read, in ms. */
  MEMBERS_REFRESH_MS: intField(30_000, { min: 200 }),
  /** Detector for live frames: `tiny` (fast) or `ssd` (accurate). */
  LIVE_DETECTOR: enumField(['tiny', 'ssd'], 'tiny'),
  /** Input size of the tiny detector, a multiple of 32. */
  LIVE_INPUT_SIZE: intField(416, { min: 128, max: 1024 }),
  /** Minimum detection score for the live detector. */
  LIVE_MIN_SCORE: numberField(0.5, { min: 0.05, max: 0.99 }),
  /** Detector for enrolment photos sent to `/recognise`. */
  RECOGNISE_DETECTOR: enumField(['tiny', 'ssd'], 'ssd'),
  /** Faces less tall than this are not identified, in pixels of the frame. */
  MIN_FACE_HEIGHT_PX: intField(40, { min: 1 }),
  /** At most this many faces of one frame are described; the rest are ignored and counted. */
  MAX_FACES_PER_FRAME: intField(10, { min: 1, max: 100 }),
  /** A face matches its nearest member only below this Euclidean distance. */
  MATCH_THRESHOLD: numberField(0.5, { min: 0.05, max: 2 }),
  /** A frame older than this when picked up is skipped, in ms. */
  FRAME_FRESHNESS_MS: intField(2_000, { min: 100 }),
  /**
   * Frames waiting per camera in the frame store (camera-ingest's setting of the same name):
   * one `frames` job takes at most this many, which drains what waited when it started.
   */
  FRAMES_PER_CAMERA_CAP: intField(2, { min: 1, max: 50 }),
  /** Largest `/recognise` body, in bytes; refused while reading. */
  RECOGNISE_MAX_BYTES: intField(10 * 1024 * 1024, { min: 1024 }),
  /** Largest `/recognise` image, in pixels; refused from the header, before decoding. */
  RECOGNISE_MAX_PIXELS: intField(40_000_000, { min: 1 }),
  /** `/recognise` requests served at once; more get 503 with Retry-After. */
  RECOGNISE_CONCURRENCY: intField(2, { min: 1, max: 16 }),
  /** Length of the capped `recognitions` stream. */
  RECOGNITIONS_STREAM_MAXLEN: intField(10_000, { min: 10 }),
  /** One inference may take this long before the worker thread is replaced, in ms. */
  INFERENCE_TIMEOUT_MS: intField(30_000, { min: 1_000 }),
  /** Directory of the face-api model weights; default: the @vladmandic/face-api package's. */
  MODEL_DIR: optionalStringField(),
};

export type DetectorKind = 'tiny' | 'ssd';

export interface FaceRecognitionConfig extends CommonConfig {
  port: number;
  dynamo: {
    endpoint: string;
    region: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    membersTable: string;
  };
  membersRefreshMs: number;
  live: { detector: DetectorKind; inputSize: number; minScore: number };
  recognise: { detector: DetectorKind; maxBytes: number; maxPixels: number; concurrency: number };
  minFaceHeightPx: number;
  maxFacesPerFrame: number;
  matchThreshold: number;
  frameFreshnessMs: number;
  framesPerCameraCap: number;
  recognitionsStreamMaxLen: number;
  inferenceTimeoutMs: number;
  modelDir?: string;
}

/** Validates face-recognition's environment; every bad key in one ConfigError. */
export function loadFaceRecognitionConfig(env: Env): FaceRecognitionConfig {
  const e = parseEnv('face-recognition', faceRecognitionEnvShape, env);
  const credentials =
    e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY }
      : undefined;

  return {
    ...commonConfigFrom(e),
    port: e.PORT,
    dynamo: {
      endpoint: e.DYNAMODB_ENDPOINT,
      region: e.AWS_REGION,
      credentials,
      membersTable: e.MEMBERS_TABLE,
    },
    membersRefreshMs: e.MEMBERS_REFRESH_MS,
    live: { detector: e.LIVE_DETECTOR, inputSize: e.LIVE_INPUT_SIZE, minScore: e.LIVE_MIN_SCORE },
    recognise: {
      detector: e.RECOGNISE_DETECTOR,
      maxBytes: e.RECOGNISE_MAX_BYTES,
      maxPixels: e.RECOGNISE_MAX_PIXELS,
      concurrency: e.RECOGNISE_CONCURRENCY,
    },
    minFaceHeightPx: e.MIN_FACE_HEIGHT_PX,
    maxFacesPerFrame: e.MAX_FACES_PER_FRAME,
    matchThreshold: e.MATCH_THRESHOLD,
    frameFreshnessMs: e.FRAME_FRESHNESS_MS,
    framesPerCameraCap: e.FRAMES_PER_CAMERA_CAP,
    recognitionsStreamMaxLen: e.RECOGNITIONS_STREAM_MAXLEN,
    inferenceTimeoutMs: e.INFERENCE_TIMEOUT_MS,
    modelDir: e.MODEL_DIR,
  };
}
