import { describe, expect, it } from 'vitest';

import { CameraLabels } from './camera.labels';

describe('CameraLabels', () => {
  it('keeps the first cameras by id and counts the rest as other', () => {
    const labels = new CameraLabels(2);

    expect([labels.of('a'), labels.of('b'), labels.of('c'), labels.of('a')]).toEqual([
      'a',
      'b',
      'other',
      'a',
    ]);
  });
});
