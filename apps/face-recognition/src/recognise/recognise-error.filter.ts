import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';

import { RecogniseError, RecogniseUnavailableError } from './recognise.errors';

/**
 * Answers `/recognise` errors as `{ error, message }`. When the body was not read to its
 * end (too large, refused before reading), the connection is closed after the answer, so
 * the client cannot keep streaming bytes that nobody reads.
 */
@Catch()
export class RecogniseErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const { status, body } = describe(exception);

    if (exception instanceof RecogniseUnavailableError) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    if (!request.complete) {
      response.setHeader('Connection', 'close');
      response.once('finish', () => request.socket.destroySoon());
    }
    response.status(status).json(body);
  }
}

function describe(exception: unknown): {
  status: number;
  body: { error: string; message: string };
} {
  if (exception instanceof RecogniseError) {
    return {
      status: exception.status,
      body: { error: exception.code, message: exception.message },
    };
  }
  if (exception instanceof HttpException) {
    return {
      status: exception.getStatus(),
      body: { error: 'http_error', message: exception.message },
    };
  }
  return { status: 500, body: { error: 'internal', message: 'the photo could not be processed' } };
}
