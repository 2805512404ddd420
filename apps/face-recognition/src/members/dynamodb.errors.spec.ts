import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';

import { errorReason, isEndpointUnreachable } from './dynamodb.errors';

function socketError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall: 'connect' });
}

describe('isEndpointUnreachable', () => {
  it('is true for a refused connection, an unknown host and a connect timeout', () => {
    const connectTimeout = Object.assign(new Error('Socket timed out'), { name: 'TimeoutError' });

    expect(isEndpointUnreachable(socketError('ECONNREFUSED', 'connect ECONNREFUSED'))).toBe(true);
    expect(isEndpointUnreachable(socketError('ENOTFOUND', 'getaddrinfo ENOTFOUND'))).toBe(true);
    expect(isEndpointUnreachable(connectTimeout)).toBe(true);
  });

  it('is true for a dual-stack connect refused on every address', () => {
    const refused = new AggregateError([
      socketError('ECONNREFUSED', 'connect ECONNREFUSED ::1:4567'),
      socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:4567'),
    ]);

    expect(isEndpointUnreachable(refused)).toBe(true);
    expect(errorReason(refused)).toBe(
      'connect ECONNREFUSED ::1:4567; connect ECONNREFUSED 127.0.0.1:4567',
    );
  });

  it('is false for an answer from DynamoDB', () => {
    const missing = new ResourceNotFoundException({ message: 'not found', $metadata: {} });

    expect(isEndpointUnreachable(missing)).toBe(false);
    expect(isEndpointUnreachable('ECONNREFUSED')).toBe(false);
  });
});
