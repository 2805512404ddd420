/**
 * Job data of a `frames` job: only the camera. The worker takes that camera's frames
 * from the frame store, so job data never carries image bytes.
 */
export interface FramesWaitingJob {
  cameraId: string;
}

/** A detect frame as the face-recognition worker receives it from the frame store. */
export interface StoredFrame {
  cameraId: string;
  /** Per-process sequence number of the camera's ffmpeg output. */
  sequence: number;
  /** When camera-ingest read the frame from ffmpeg, epoch ms. */
  capturedAt: number;
  /** The JPEG bytes. */
  jpeg: Buffer;
}

/** One entry of the `recognitions` stream. */
export interface RecognitionEvent {
  cameraId: string;
  /** The member id, or `unknown`. */
  memberId: string;
  /** The member's name, or `unknown`. */
  name: string;
  /** Euclidean distance to the nearest member's descriptor; null when no member is enrolled. */
  distance: number | null;
  box: { x: number; y: number; width: number; height: number };
  detectionScore: number;
  /** When the frame was captured, epoch ms. */
  capturedAt: number;
  /** From capture to the end of matching, in ms. */
  latencyMs: number;
  frameSequence: number;
  modelId: string;
}
