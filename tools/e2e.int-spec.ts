import { readdirSync, readFileSync } from 'node:fs';

import type { RecognitionEvent } from '@edgewatch/queues';
import { fixturePath, sleep, waitFor } from '@edgewatch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApps, startStack, type Stack } from './stack/stack';

const PERSON = { memberId: 'member-visitor', name: 'Sam Rivera' };
const CAMERA_PASSWORD = 'e2e-camera-pass';
/**
 * The service default (MATCH_THRESHOLD), between
 * the measured true-match and impostor distances.
 */
const MATCH_THRESHOLD = 0.5;
/** Identities from the face photos enrolled beside the visitor: none of them is on a camera. */
const OTHER_IDENTITIES = readdirSync(fixturePath('faces'))
  .filter((name) => !name.startsWith('_'))
  .sort();
const PHOTOS_PER_IDENTITY = 2;
const OBSERVE_AFTER_FIRST_MATCH_MS = 20_000;

describe('end to end: RTSP camera → frames → face recognition', () => {
  let stack: Stack;
  const events: RecognitionEvent[] = [];
  let enrolledAt = 0;

  beforeAll(async () => {
    buildApps();
    stack = await startStack({
      cameras: [
        {
          id: 'entrance',
          name: 'Entrance',
          file: fixturePath('video', 'faces_head_pose_male_from2.5s.mp4'),
          user: 'viewer',
          password: CAMERA_PASSWORD,
        },
        { id: 'lobby', name: 'Lobby', file: fixturePath('video', 'faces_asl_book.mkv') },
        { id: 'hall', name: 'Hall', file: fixturePath('video', 'faces_head_pose_female.mp4') },
        { id: 'storeroom', name: 'Storeroom', file: fixturePath('video', 'no_people_bottles.mp4') },
      ],
      env: { MEMBERS_REFRESH_MS: '1000' },
    });

    let enrolled = 0;
    for (const identity of OTHER_IDENTITIES) {
      const photos = readdirSync(fixturePath('faces', identity))
        .sort()
        .map((photo) => fixturePath('faces', identity, photo));
      const usable: string[] = [];
      for (const photo of photos) {
        if (usable.length === PHOTOS_PER_IDENTITY) break;
        const accepted = await stack.members.recognise(photo).then(
          () => true,
          () => false,
        );
        if (accepted) usable.push(photo);
      }
      if (usable.length === 0) continue;
      await stack.members.enrol(`member-${identity}`, identity, usable);
      enrolled += 1;
    }
    expect(enrolled).toBeGreaterThanOrEqual(10);

    await stack.members.enrol(PERSON.memberId, PERSON.name, [
      fixturePath('video', 'stills', 'head_pose_male_t0.5.jpg'),
    ]);
    // One refresh interval later every member is in the matcher.
    await sleep(1_500);
    enrolledAt = Date.now();
    void stack.feed().follow((event) => {
      if (event.capturedAt >= enrolledAt) events.push(event);
    });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('recognises the enrolled person on the entrance camera within 60 s', async () => {
    const first = await waitFor(() => events.find((event) => event.memberId === PERSON.memberId), {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `a recognition of ${PERSON.name}`,
    });

    expect(first.cameraId).toBe('entrance');
    expect(first.name).toBe(PERSON.name);
    expect(first.distance).toBeLessThan(MATCH_THRESHOLD);
  });

  it(
    'names nobody on the cameras that show other people or nobody, ' +
      'and nobody else at the entrance',
    async () => {
      await sleep(OBSERVE_AFTER_FIRST_MATCH_MS);
      const entrance = events.filter((event) => event.cameraId === 'entrance');
      const elsewhere = events.filter((event) => event.cameraId !== 'entrance');
      const trueMatch = entrance.map((event) => event.distance ?? Infinity).sort((a, b) => a - b);
      const impostor = elsewhere.map((event) => event.distance ?? Infinity).sort((a, b) => a - b);
      const median = trueMatch[Math.floor(trueMatch.length / 2)] ?? Infinity;

      console.log(
        [
          `entrance faces: ${trueMatch.length}, ` +
            `${entrance.filter((e) => e.memberId === PERSON.memberId).length} named`,
          `true-match distances: min ${trueMatch[0]?.toFixed(3)} ` +
            `median ${median.toFixed(3)} max ${trueMatch.at(-1)?.toFixed(3)}`,
          `faces on other cameras: ${impostor.length} (${countBy(elsewhere)})`,
          `nearest impostor distance: ${impostor[0]?.toFixed(3)}; threshold ${MATCH_THRESHOLD}`,
        ].join('\n'),
      );

      expect(elsewhere.filter((event) => event.memberId !== 'unknown')).toEqual([]);
      expect(
        entrance.filter((event) => ![PERSON.memberId, 'unknown'].includes(event.memberId)),
      ).toEqual([]);
      expect(impostor.length).toBeGreaterThan(0);
      expect(median).toBeLessThan(MATCH_THRESHOLD);
      expect(impostor[0]).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    },
  );

  it('never logs a camera password', () => {
    for (const service of ['camera-ingest', 'face-recognition']) {
      const log = readFileSync(`${stack.workDir}/${service}.log`, 'utf8');

      expect(log.length).toBeGreaterThan(0);
      expect(log).not.toContain(CAMERA_PASSWORD);
    }
  });
});

function countBy(events: readonly RecognitionEvent[]): string {
  const counts = new Map<string, number>();
  events.forEach((event) => counts.set(event.cameraId, (counts.get(event.cameraId) ?? 0) + 1));
  return [...counts].map(([camera, count]) => `${camera} ${count}`).join(', ');
}
