import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { FACE_API_VERSION, FACE_MODEL_ID } from './face-model.constants';

describe('face model id', () => {
  it('names the installed face-api release, so an upgrade is a deliberate model change', () => {
    const require = createRequire(__filename);
    const manifest = JSON.parse(
      readFileSync(require.resolve('@vladmandic/face-api/package.json'), 'utf8'),
    ) as { version: string };

    expect(manifest.version).toBe(FACE_API_VERSION);
    expect(FACE_MODEL_ID).toBe('face-api-1.7.15/faceRecognitionNet+landmark68');
  });
});
