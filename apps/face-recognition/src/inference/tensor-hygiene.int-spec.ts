import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  facePhoto,
  fixtureImage,
  postRecognise,
  startServiceHarness,
  type ServiceHarness,
} from '../testing/service.harness';

const FRAMES = 200;
const PHOTOS = 60;

/** Every kind of input the service meets: one face, no face, several faces, broken bytes. */
function inputMix(): { label: string; bytes: Buffer }[] {
  const truncated = facePhoto('obama', 1).subarray(0, 4_000);
  return [
    { label: 'face', bytes: facePhoto('obama', 4) },
    { label: 'face', bytes: facePhoto('deepface_id01', 1) },
    { label: 'face', bytes: facePhoto('vlado', 2) },
    { label: 'no-face', bytes: fixtureImage('_none', 'empty_room.jpg') },
    { label: 'no-face', bytes: fixtureImage('_none', 'person_from_behind.jpg') },
    { label: 'group', bytes: fixtureImage('_group', 'selfie-many-people.jpg') },
    { label: 'group', bytes: fixtureImage('_group', 'obama_and_biden.jpg') },
    { label: 'garbage', bytes: Buffer.from('these bytes are not an image') },
    { label: 'truncated', bytes: truncated },
  ];
}

describe('tensor hygiene', () => {
  let harness: ServiceHarness;

  beforeAll(async () => {
    harness = await startServiceHarness({
      env: { FRAME_FRESHNESS_MS: '30000', LOG_LEVEL: 'warn' },
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it(
    'leaves live tensors and tensor bytes unchanged ' +
      `after ${FRAMES} frames through the frames worker`,
    async () => {
      const mix = inputMix();
      // One pass first: the first input of each shape may allocate lasting backend state.
      for (const input of mix) await harness.pushFrame('hygiene', input.bytes);
      const before = await harness.inference.tensorMemory();
      const rssBefore = process.memoryUsage().rss;

      for (let index = 0; index < FRAMES; index++) {
        await harness.pushFrame('hygiene', (mix[index % mix.length] as { bytes: Buffer }).bytes);
      }

      const after = await harness.inference.tensorMemory();
      expect(after.tensors).toEqual(before.tensors);
      expect(await harness.metric('edgewatch_live_tensors')).toBe(before.tensors.numTensors);
      expect(await harness.metric('edgewatch_tensor_bytes')).toBe(before.tensors.numBytes);
      expect(
        await harness.metric('edgewatch_frames_processed_total', { camera: 'hygiene' }),
      ).toBeGreaterThan(FRAMES / 2);
      expect(
        await harness.metric('edgewatch_frames_failed_total', {
          camera: 'hygiene',
          reason: 'not_an_image',
        }),
      ).toBeGreaterThan(FRAMES / mix.length);
      console.info(
        `frames: ${FRAMES}, tensors ${after.tensors.numTensors} (${after.tensors.numBytes} B), ` +
          `rss ${Math.round(rssBefore / 2 ** 20)} -> ` +
          `${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
      );
    },
  );

  it(
    'leaves live tensors and tensor bytes unchanged ' + `after ${PHOTOS} photos through /recognise`,
    async () => {
      const mix = inputMix();
      const statuses = new Map<number, number>();
      for (const input of mix) await postRecognise(harness.url, input.bytes, 'image/jpeg');
      const before = await harness.inference.tensorMemory();

      for (let index = 0; index < PHOTOS; index++) {
        const input = mix[index % mix.length] as { bytes: Buffer };
        const { status } = await postRecognise(harness.url, input.bytes, 'image/jpeg');
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }

      const after = await harness.inference.tensorMemory();
      expect(after.tensors).toEqual(before.tensors);
      // Every path was taken: embeddings (200), no face
      // and several faces (422), broken bytes (415).
      expect([...statuses.keys()].sort()).toEqual([200, 415, 422]);
    },
  );
});
