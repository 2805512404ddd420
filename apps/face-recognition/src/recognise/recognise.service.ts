import type { IncomingMessage } from 'node:http';

import { Inject, Injectable } from '@nestjs/common';
import type { FaceRecognitionConfig } from '@edgewatch/config';
import { classLogger, METRICS_REGISTRY, ROOT_LOGGER, type Logger } from '@edgewatch/telemetry';
import { Counter, Gauge, type Registry } from 'prom-client';

import { FACE_RECOGNITION_CONFIG } from '../app.tokens';
import { FACE_MODEL_ID } from '../inference/face-model.constants';
import {
  readImageSize,
  NotAnImageError as UndecodableImageError,
  TooManyPixelsError as HeaderTooManyPixelsError,
} from '../inference/image.decoder';
import {
  ImageRejectedError,
  InferenceBusyError,
  InferenceUnavailableError,
  InferenceWorkerCrashedError,
} from '../inference/inference.errors';
import type { FaceBox } from '../inference/inference.protocol';
import { InferenceService } from '../inference/inference.service';

import { extractMultipartFile } from './multipart.parser';
import {
  NoFaceError,
  NotAnImageError,
  RecogniseError,
  RecogniseUnavailableError,
  SeveralFacesError,
  TooManyPixelsError,
  UnsupportedMediaTypeError,
} from './recognise.errors';
import { readBodyWithLimit } from './request-body.reader';

export interface RecogniseResponse {
  embedding: number[];
  modelId: string;
  box: FaceBox;
  score: number;
  width: number;
  height: number;
}

const IMAGE_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp']);
const MULTIPART_TYPE = 'multipart/form-data';
/** The form field carrying the photo in a multipart request. */
export const IMAGE_FIELD = 'image';
/** Retry-After of a 503: about one SSD inference. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Computes the embedding of the one face in an enrolment photo. Every refusal is decided
 * as early and as cheaply as possible: type, declared length, slots, length while reading,
 * pixel count from the header, then inference.
 */
@Injectable()
export class RecogniseService {
  private readonly logger: Logger;
  private inFlight = 0;
  private readonly inFlightGauge: Gauge;
  private readonly requests: Counter<'outcome'>;

  constructor(
    private readonly inference: InferenceService,
    @Inject(FACE_RECOGNITION_CONFIG) private readonly config: FaceRecognitionConfig,
    @Inject(ROOT_LOGGER) root: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.logger = classLogger(root, RecogniseService.name);
    this.inFlightGauge = new Gauge({
      name: 'edgewatch_recognise_in_flight',
      help: '/recognise requests being served now (at most RECOGNISE_CONCURRENCY).',
      registers: [registry],
    });
    this.requests = new Counter({
      name: 'edgewatch_recognise_requests_total',
      help: '/recognise requests by outcome (ok or the error code).',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  async recognise(request: IncomingMessage): Promise<RecogniseResponse> {
    const startedAt = Date.now();
    try {
      const mediaType = checkedMediaType(request);
      const response = await this.withSlot(() => this.recogniseRequest(request, mediaType));
      this.requests.inc({ outcome: 'ok' });
      this.logger.info(
        { box: response.box, score: response.score, durationMs: Date.now() - startedAt },
        'photo embedded',
      );
      return response;
    } catch (error: unknown) {
      const outcome = error instanceof RecogniseError ? error.code : 'internal';
      this.requests.inc({ outcome });
      if (outcome === 'internal') this.logger.error({ err: error }, '/recognise failed');
      else this.logger.info({ outcome, durationMs: Date.now() - startedAt }, 'photo refused');
      throw error;
    }
  }

  private async recogniseRequest(
    request: IncomingMessage,
    mediaType: string,
  ): Promise<RecogniseResponse> {
    const body = await readBodyWithLimit(request, this.config.recognise.maxBytes);
    const image =
      mediaType === MULTIPART_TYPE
        ? extractMultipartFile(body, request.headers['content-type'] ?? '', IMAGE_FIELD).bytes
        : body;

    await this.checkHeader(image);
    return this.embed(image);
  }

  private async withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.config.recognise.concurrency) {
      throw new RecogniseUnavailableError(
        'busy',
        `${this.inFlight} photos are being processed; ` +
          `at most ${this.config.recognise.concurrency} at once`,
        RETRY_AFTER_SECONDS,
      );
    }

    this.inFlight += 1;
    this.inFlightGauge.set(this.inFlight);
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      this.inFlightGauge.set(this.inFlight);
    }
  }

  /** Format and size from the header alone: nothing is decoded yet. */
  private async checkHeader(image: Buffer): Promise<void> {
    try {
      await readImageSize(image, this.config.recognise.maxPixels);
    } catch (error: unknown) {
      if (error instanceof HeaderTooManyPixelsError) throw new TooManyPixelsError(error.message);
      if (error instanceof UndecodableImageError) throw new NotAnImageError(error.message);
      throw error;
    }
  }

  private async embed(image: Buffer): Promise<RecogniseResponse> {
    let result;
    try {
      // Two faces are enough to know there are several; only the best one is described.
      result = await this.inference.detectAndDescribe(image, {
        profile: 'photo',
        minFaceHeightPx: 0,
        maxFaces: 1,
      });
    } catch (error: unknown) {
      throw toRecogniseError(error);
    }

    if (result.detectedCount === 0) throw new NoFaceError('no face found in the photo');
    if (result.detectedCount > 1) {
      throw new SeveralFacesError(`${result.detectedCount} faces found; the photo must show one`);
    }
    const face = result.faces[0];
    if (face === undefined) throw new NoFaceError('no face could be described in the photo');

    return {
      embedding: Array.from(face.descriptor),
      modelId: FACE_MODEL_ID,
      box: face.box,
      score: face.score,
      width: result.width,
      height: result.height,
    };
  }
}

function checkedMediaType(request: IncomingMessage): string {
  const mediaType =
    (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!IMAGE_TYPES.has(mediaType) && mediaType !== MULTIPART_TYPE) {
    throw new UnsupportedMediaTypeError(
      'Content-Type must be image/jpeg, image/png, image/webp or multipart/form-data, ' +
        `not "${mediaType || '(none)'}"`,
    );
  }
  return mediaType;
}

function toRecogniseError(error: unknown): unknown {
  if (error instanceof ImageRejectedError) {
    return error.reason === 'too-many-pixels'
      ? new TooManyPixelsError(error.message)
      : new NotAnImageError(error.message);
  }
  if (
    error instanceof InferenceUnavailableError ||
    error instanceof InferenceBusyError ||
    error instanceof InferenceWorkerCrashedError
  ) {
    return new RecogniseUnavailableError('inference_unavailable', error.message, 5);
  }
  return error;
}
