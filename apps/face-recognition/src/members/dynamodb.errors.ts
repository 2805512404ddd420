/** Socket errors that mean the endpoint never answered, as opposed to answering "no". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);

/**
 * Whether a DynamoDB call failed because its endpoint could not be reached: refused, unknown
 * host, reset, or silent past the client's timeouts (the SDK then throws a `TimeoutError`).
 */
export function isEndpointUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError') return true;

  const code = errorCode(error);
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/** One line saying what went wrong, for a message that carries no stack. */
export function errorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message !== '') return error.message;
  // A dual-stack connect that failed on every address has no message of its own.
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(errorReason).join('; ');
  }
  return errorCode(error) ?? error.name;
}

function errorCode(error: Error): string | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError && error.errors[0] instanceof Error) {
    return errorCode(error.errors[0]);
  }
  return undefined;
}
