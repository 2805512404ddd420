import { describe, expect, it } from 'vitest';

import { startDynalite } from './dynalite';
import { portAccepts } from './free-port';

describe('startDynalite', () => {
  it('answers DynamoDB ListTables and frees its port on stop', async () => {
    const dynalite = await startDynalite();
    try {
      const response = await fetch(dynalite.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization:
            'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/dynamodb/aws4_request, ' +
            'SignedHeaders=host, Signature=0',
          'x-amz-date': '20250101T000000Z',
        },
        body: '{}',
      });

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ TableNames: [] });
    } finally {
      await dynalite.stop();
    }

    expect(await portAccepts(dynalite.port)).toBe(false);
  });
});
