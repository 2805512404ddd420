import type { IncomingMessage } from 'node:http';

import { BodyTooLargeError } from './recognise.errors';

/**
 * Reads a request body into memory, refusing it as soon as it passes `maxBytes`: first
 * from Content-Length, before reading anything, then while reading, for chunked bodies and
 * lying headers. Reading stops at the limit; the caller answers and closes the connection,
 * so the rest of the body is never taken in.
 */
export async function readBodyWithLimit(
  request: IncomingMessage,
  maxBytes: number,
): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError(maxBytes);

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;

    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > maxBytes) {
        cleanup();
        request.pause();
        chunks.length = 0;
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onAborted = () => onError(new Error('request aborted by the client'));

    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onError);
    request.once('aborted', onAborted);
  });
}
