import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@edgewatch/testing';

import { FACE_MODEL_ID } from '../inference/face-model.constants';
import {
  facePhoto,
  fixtureImage,
  postRecognise,
  startServiceHarness,
  type ServiceHarness,
} from '../testing/service.harness';

const REFRESH_MS = 500;
const MIN_FACE_HEIGHT_PX = 100;

describe('frames worker', () => {
  let harness: ServiceHarness;

  beforeAll(async () => {
    harness = await startServiceHarness({
      env: {
        MEMBERS_REFRESH_MS: String(REFRESH_MS),
        FRAME_FRESHNESS_MS: '5000',
        MIN_FACE_HEIGHT_PX: String(MIN_FACE_HEIGHT_PX),
      },
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  async function embeddingOf(person: string, index: number): Promise<Float32Array> {
    const { status, json } = await postRecognise(
      harness.url,
      facePhoto(person, index),
      'image/jpeg',
    );
    expect(status).toBe(200);
    return Float32Array.from(json['embedding'] as number[]);
  }

  it('publishes an unknown face with no distance while nobody is enrolled', async () => {
    const lengthBefore = await harness.stream.length();

    await harness.pushFrame('entrance', facePhoto('obama', 4));

    const [event] = await harness.stream.newest(1);
    expect(await harness.stream.length()).toBe(lengthBefore + 1);
    expect(event).toMatchObject({
      cameraId: 'entrance',
      memberId: 'unknown',
      name: 'unknown',
      distance: null,
    });
    expect(event?.modelId).toBe(FACE_MODEL_ID);
    expect(event?.box.height).toBeGreaterThan(harness.config.minFaceHeightPx);
    expect(
      await harness.metric('edgewatch_recognitions_total', {
        camera: 'entrance',
        result: 'unknown',
      }),
    ).toBe(1);
  });

  it('recognises a member written to the table after one refresh, without a restart', async () => {
    const loadsBefore = await harness.metric('edgewatch_members_refresh_total', {
      outcome: 'loaded',
    });
    await harness.members.put({
      memberId: 'member-obama',
      name: 'Barack Obama',
      embeddings: [
        await embeddingOf('obama', 1),
        await embeddingOf('obama', 2),
        await embeddingOf('obama', 3),
      ],
      modelId: FACE_MODEL_ID,
      embeddingStatus: 'ready',
    });
    await waitFor(async () => (await harness.metric('edgewatch_members_matchable')) === 1, {
      timeoutMs: 5 * REFRESH_MS + 2_000,
      what: 'the member set to be refreshed',
    });
    expect(
      await harness.metric('edgewatch_members_refresh_total', { outcome: 'loaded' }),
    ).toBeGreaterThan(loadsBefore);

    const capturedAt = Date.now();
    await harness.pushFrame('entrance', facePhoto('obama', 4), capturedAt);

    const [event] = await harness.stream.newest(1);
    expect(event).toMatchObject({
      cameraId: 'entrance',
      memberId: 'member-obama',
      name: 'Barack Obama',
      capturedAt,
    });
    expect(event?.distance).toBeGreaterThan(0);
    expect(event?.distance).toBeLessThan(harness.config.matchThreshold);
    expect(event?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(
      await harness.metric('edgewatch_recognitions_total', { camera: 'entrance', result: 'known' }),
    ).toBe(1);
    expect(harness.logLines.some((line) => line.includes('"memberId":"member-obama"'))).toBe(true);
  });

  it('calls someone else unknown and reports how near the nearest member was', async () => {
    await harness.pushFrame('entrance', facePhoto('biden', 2));

    const [event] = await harness.stream.newest(1);
    expect(event).toMatchObject({ memberId: 'unknown', name: 'unknown' });
    expect(event?.distance).toBeGreaterThanOrEqual(harness.config.matchThreshold);
  });

  it('does not match rows of another model id: they are counted as skipped', async () => {
    await harness.members.put({
      memberId: 'legacy-obama',
      name: 'Obama (old model)',
      embeddings: [await embeddingOf('obama', 1)],
      modelId: 'insightface-r100',
      embeddingStatus: 'ready',
    });
    await waitFor(
      async () =>
        (await harness.metric('edgewatch_members_skipped', { reason: 'other_model' })) === 1,
      {
        timeoutMs: 5 * REFRESH_MS + 2_000,
        what: 'the legacy row to be seen',
      },
    );

    await harness.pushFrame('lobby', facePhoto('obama', 4));

    const [event] = await harness.stream.newest(1);
    expect(event?.memberId).toBe('member-obama');
  });

  it('skips a stale frame, counts it, and publishes nothing', async () => {
    const lengthBefore = await harness.stream.length();
    const processedBefore = await harness.metric('edgewatch_frames_processed_total', {
      camera: 'stale-cam',
    });

    await harness.pushFrame('stale-cam', facePhoto('obama', 4), Date.now() - 60_000);

    expect(
      await harness.metric('edgewatch_frames_skipped_stale_total', { camera: 'stale-cam' }),
    ).toBe(1);
    expect(await harness.metric('edgewatch_frames_processed_total', { camera: 'stale-cam' })).toBe(
      processedBefore,
    );
    expect(await harness.stream.length()).toBe(lengthBefore);
  });

  it('counts faces shorter than MIN_FACE_HEIGHT_PX and does not identify them', async () => {
    // The photo shrunk into a corner of a 640-wide frame: the face is about 75 px tall,
    // found by the detector but under the 100 px minimum.
    const small = await sharp(facePhoto('obama', 4)).resize({ width: 250 }).toBuffer();
    const frame = await sharp({
      create: { width: 640, height: 480, channels: 3, background: '#404040' },
    })
      .composite([{ input: small, left: 20, top: 20 }])
      .jpeg()
      .toBuffer();
    const lengthBefore = await harness.stream.length();

    await harness.pushFrame('small-cam', frame);

    expect(
      await harness.metric('edgewatch_faces_skipped_small_total', { camera: 'small-cam' }),
    ).toBe(1);
    expect(await harness.stream.length()).toBe(lengthBefore);
  });

  it('gives each member to one face only in a frame of two people', async () => {
    const frame = await sharp(fixtureImage('_group', 'obama_and_biden.jpg'))
      .resize({ width: 640 })
      .jpeg()
      .toBuffer();

    await harness.pushFrame('group-cam', frame);

    const events = await harness.stream.newest(2);
    const ids = events.map((event) => event.memberId).sort();
    expect(ids).toEqual(['member-obama', 'unknown']);
  });

  it('counts a frame that is not an image as failed and keeps going', async () => {
    await harness.pushFrame('garbage-cam', Buffer.from('not a jpeg at all'));
    await harness.pushFrame('garbage-cam', facePhoto('obama', 4));

    expect(
      await harness.metric('edgewatch_frames_failed_total', {
        camera: 'garbage-cam',
        reason: 'not_an_image',
      }),
    ).toBe(1);
    expect(
      await harness.metric('edgewatch_frames_processed_total', { camera: 'garbage-cam' }),
    ).toBe(1);
  });
});
