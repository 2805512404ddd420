import { Inject, Injectable } from '@nestjs/common';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import { MemoryPressure } from '@edgewatch/health';
import type { RecognitionEvent, StoredFrame } from '@edgewatch/queues';
import {
  classLogger,
  LogRateLimiter,
  METRICS_REGISTRY,
  ROOT_LOGGER,
  type Logger,
} from '@edgewatch/telemetry';
import { Counter, Histogram, type Registry } from 'prom-client';

import { FACE_RECOGNITION_CONFIG } from '../app.tokens';
import { FACE_MODEL_ID } from '../inference/face-model.constants';
import {
  ImageRejectedError,
  InferenceBusyError,
  InferenceFailedError,
  InferenceTimeoutError,
  InferenceUnavailableError,
  InferenceWorkerCrashedError,
} from '../inference/inference.errors';
import type { WireFace } from '../inference/inference.protocol';
import { InferenceService } from '../inference/inference.service';
import { matchFaces, type FaceMatch } from '../matching/face.matcher';
import { MemberCache } from '../members/member.cache';

import { CameraLabels } from './camera.labels';
import { RecognitionPublisher } from './recognition.publisher';

export type FrameFailureReason =
  | 'not_an_image'
  | 'too_many_pixels'
  | 'inference_unavailable'
  | 'inference_timeout'
  | 'inference_failed';

/** What became of one frame: expected outcomes are values, not exceptions. */
export type FrameOutcome =
  | { kind: 'stale'; ageMs: number }
  | { kind: 'shed' }
  | { kind: 'failed'; reason: FrameFailureReason }
  | { kind: 'recognised'; events: RecognitionEvent[] };

/**
 * One detect frame, from the frame store to the recognitions stream: skip it when stale or
 * when memory is short, detect with the live detector, match against the current member
 * set, publish one event per face.
 */
@Injectable()
export class FrameRecogniser {
  private readonly logger: Logger;
  private readonly failureLog = new LogRateLimiter(30_000);
  private readonly cameras = new CameraLabels();
  private readonly processed: Counter<'camera'>;
  private readonly skippedStale: Counter<'camera'>;
  private readonly shed: Counter<'camera'>;
  private readonly failed: Counter<'camera' | 'reason'>;
  private readonly facesDetected: Counter<'camera'>;
  private readonly smallFaces: Counter<'camera'>;
  private readonly facesOverCap: Counter<'camera'>;
  private readonly recognitions: Counter<'camera' | 'result'>;
  private readonly latency: Histogram;

  constructor(
    private readonly inference: InferenceService,
    private readonly members: MemberCache,
    private readonly publisher: RecognitionPublisher,
    private readonly memory: MemoryPressure,
    @Inject(FACE_RECOGNITION_CONFIG) private readonly config: FaceRecognitionConfig,
    @Inject(ROOT_LOGGER) root: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.logger = classLogger(root, FrameRecogniser.name);
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers: [registry] });

    this.processed = counter('edgewatch_frames_processed_total', 'Frames run through detection.', [
      'camera',
    ]);
    this.skippedStale = counter(
      'edgewatch_frames_skipped_stale_total',
      'Frames older than FRAME_FRESHNESS_MS when picked up; skipped without detection.',
      ['camera'],
    );
    this.shed = counter(
      'edgewatch_frames_shed_total',
      'Frames skipped because the container was close to its memory limit.',
      ['camera'],
    );
    this.failed = counter(
      'edgewatch_frames_failed_total',
      'Frames that could not be processed, by reason.',
      ['camera', 'reason'],
    );
    this.facesDetected = counter(
      'edgewatch_faces_detected_total',
      'Faces the live detector found.',
      ['camera'],
    );
    this.smallFaces = counter(
      'edgewatch_faces_skipped_small_total',
      'Faces shorter than MIN_FACE_HEIGHT_PX; not identified.',
      ['camera'],
    );
    this.facesOverCap = counter(
      'edgewatch_faces_skipped_over_cap_total',
      'Faces beyond MAX_FACES_PER_FRAME in one frame; not identified.',
      ['camera'],
    );
    this.recognitions = counter(
      'edgewatch_recognitions_total',
      'Identified faces by result (known, unknown).',
      ['camera', 'result'],
    );
    this.latency = new Histogram({
      name: 'edgewatch_frame_latency_seconds',
      help: 'From frame capture to the end of matching.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    });
  }

  async process(frame: StoredFrame): Promise<FrameOutcome> {
    const camera = this.cameras.of(frame.cameraId);
    const ageMs = Date.now() - frame.capturedAt;
    if (ageMs > this.config.frameFreshnessMs) {
      this.skippedStale.inc({ camera });
      this.logger.debug(
        { cameraId: frame.cameraId, ageMs, sequence: frame.sequence },
        'stale frame skipped',
      );
      return { kind: 'stale', ageMs };
    }
    if (this.memory.isUnderPressure()) {
      this.shed.inc({ camera });
      return { kind: 'shed' };
    }

    const detected = await this.detect(frame, camera);
    if ('reason' in detected) return { kind: 'failed', reason: detected.reason };

    const descriptors = detected.faces.map((face) => face.descriptor);
    const matches = matchFaces(descriptors, this.members.members(), this.config.matchThreshold);
    const events = detected.faces.map((face, index) =>
      this.toEvent(frame, face, matches[index] as FaceMatch),
    );
    this.latency.observe((Date.now() - frame.capturedAt) / 1_000);

    for (const event of events) {
      this.recognitions.inc({ camera, result: event.memberId === 'unknown' ? 'unknown' : 'known' });
      await this.publisher.publish(event);
    }
    return { kind: 'recognised', events };
  }

  private async detect(
    frame: StoredFrame,
    camera: string,
  ): Promise<{ faces: WireFace[] } | { reason: FrameFailureReason }> {
    try {
      const result = await this.inference.detectAndDescribe(frame.jpeg, {
        profile: 'live',
        minFaceHeightPx: this.config.minFaceHeightPx,
        maxFaces: this.config.maxFacesPerFrame,
      });
      this.processed.inc({ camera });
      this.facesDetected.inc({ camera }, result.detectedCount);
      this.smallFaces.inc({ camera }, result.skippedTooSmall);
      this.facesOverCap.inc({ camera }, result.skippedOverCap);
      return { faces: result.faces };
    } catch (error: unknown) {
      const reason = failureReason(error);
      if (reason === undefined) throw error;

      this.failed.inc({ camera, reason });
      const suppressed = this.failureLog.take(`${frame.cameraId}:${reason}`);
      if (suppressed !== null) {
        const err = reason === 'inference_failed' ? error : undefined;
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn(
          { cameraId: frame.cameraId, sequence: frame.sequence, reason, err, suppressed },
          `frame not processed: ${message}`,
        );
      }
      return { reason };
    }
  }

  private toEvent(frame: StoredFrame, face: WireFace, match: FaceMatch): RecognitionEvent {
    return {
      cameraId: frame.cameraId,
      memberId: match.known ? match.memberId : 'unknown',
      name: match.known ? match.name : 'unknown',
      distance: match.known ? match.distance : match.nearestDistance,
      box: face.box,
      detectionScore: face.score,
      capturedAt: frame.capturedAt,
      latencyMs: Date.now() - frame.capturedAt,
      frameSequence: frame.sequence,
      modelId: FACE_MODEL_ID,
    };
  }
}

/** The expected ways a frame fails; anything else is a bug and is rethrown. */
function failureReason(error: unknown): FrameFailureReason | undefined {
  if (error instanceof ImageRejectedError) {
    return error.reason === 'too-many-pixels' ? 'too_many_pixels' : 'not_an_image';
  }
  if (error instanceof InferenceTimeoutError) return 'inference_timeout';
  if (
    error instanceof InferenceUnavailableError ||
    error instanceof InferenceBusyError ||
    error instanceof InferenceWorkerCrashedError
  ) {
    return 'inference_unavailable';
  }
  if (error instanceof InferenceFailedError) return 'inference_failed';
  return undefined;
}
