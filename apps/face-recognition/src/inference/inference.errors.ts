/** The worker is starting, restarting after a crash, or the client is closed. Retry later. */
export class InferenceUnavailableError extends Error {
  override readonly name = 'InferenceUnavailableError';
}

/** More requests are waiting for the worker than the client allows. Retry later. */
export class InferenceBusyError extends Error {
  override readonly name = 'InferenceBusyError';
}

/** No answer in time; the worker thread was replaced. */
export class InferenceTimeoutError extends Error {
  override readonly name = 'InferenceTimeoutError';
}

/** The worker thread exited while the request was pending. */
export class InferenceWorkerCrashedError extends Error {
  override readonly name = 'InferenceWorkerCrashedError';
}

/** The bytes are not a decodable image, or announce too many pixels; retrying cannot help. */
export class ImageRejectedError extends Error {
  override readonly name = 'ImageRejectedError';

  constructor(
    readonly reason: 'not-an-image' | 'too-many-pixels',
    message: string,
  ) {
    super(message);
  }
}

/** The models failed on this input for a reason of their own. */
export class InferenceFailedError extends Error {
  override readonly name = 'InferenceFailedError';
}
