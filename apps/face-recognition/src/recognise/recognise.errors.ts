/**
 * A `/recognise` request refused for a stated reason; the filter turns it into
 * `{ error, message }`.
 */
export abstract class RecogniseError extends Error {
  abstract readonly status: number;
  /** Stable, machine-readable: clients branch on it, not on the message. */
  abstract readonly code: string;
}

export class UnsupportedMediaTypeError extends RecogniseError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
  readonly code = 'unsupported_media_type';
}

export class NotAnImageError extends RecogniseError {
  override readonly name = 'NotAnImageError';
  readonly status = 415;
  readonly code = 'not_an_image';
}

export class BodyTooLargeError extends RecogniseError {
  override readonly name = 'BodyTooLargeError';
  readonly status = 413;
  readonly code = 'body_too_large';

  constructor(readonly maxBytes: number) {
    super(`the body is larger than ${maxBytes} bytes`);
  }
}

export class InvalidMultipartError extends RecogniseError {
  override readonly name = 'InvalidMultipartError';
  readonly status = 400;
  readonly code = 'invalid_multipart';
}

export class TooManyPixelsError extends RecogniseError {
  override readonly name = 'TooManyPixelsError';
  readonly status = 422;
  readonly code = 'too_many_pixels';
}

export class NoFaceError extends RecogniseError {
  override readonly name = 'NoFaceError';
  readonly status = 422;
  readonly code = 'no_face';
}

export class SeveralFacesError extends RecogniseError {
  override readonly name = 'SeveralFacesError';
  readonly status = 422;
  readonly code = 'several_faces';
}

/** Too many requests in flight, or inference not available yet: retry after `retryAfterSeconds`. */
export class RecogniseUnavailableError extends RecogniseError {
  override readonly name = 'RecogniseUnavailableError';
  readonly status = 503;

  constructor(
    readonly code: 'busy' | 'inference_unavailable',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
