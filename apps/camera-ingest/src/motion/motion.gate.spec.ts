import { readFileSync } from 'node:fs';

import { fixturePath } from '@edgewatch/testing';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

import { meanAbsoluteDifference, MotionGate } from './motion.gate';

const room = readFileSync(fixturePath('faces', '_none', 'empty_room.jpg'));
const personInRoom = readFileSync(fixturePath('faces', '_none', 'person_from_behind.jpg'));

function gate(heartbeatMs = 1_000) {
  return new MotionGate({ threshold: 2.5, heartbeatMs });
}

describe('MotionGate', () => {
  it('sends the first frame, then the same frame only as heartbeats', async () => {
    const motion = gate(1_000);
    const verdicts: string[] = [];
    // Five seconds of one still frame at 5 fps.
    for (let at = 0; at < 5_000; at += 200) {
      verdicts.push((await motion.decide(room, at)).verdict);
    }

    const sentAt = verdicts.flatMap((verdict, index) => (verdict === 'still' ? [] : [index * 200]));
    expect(sentAt).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    expect(verdicts.filter((verdict) => verdict === 'motion')).toEqual([]);
  });

  it('sends a changed scene at once, as motion', async () => {
    const motion = gate(60_000);
    await motion.decide(room, 0);
    const decision = await motion.decide(personInRoom, 200);

    expect(decision.verdict).toBe('motion');
    expect(decision.meanDifference).toBeGreaterThan(2.5);
  });

  it('compares with the last sent frame, so slow change adds up', async () => {
    // Uniform grey pictures 4 levels apart: each differs little from the previous one,
    // the last differs a lot from the first (the one sent).
    const steps = await Promise.all([100, 104, 108, 112].map((level) => uniformGreyJpeg(level)));
    const motion = new MotionGate({ threshold: 10, heartbeatMs: 60_000 });
    const verdicts: string[] = [];
    for (const [index, step] of steps.entries()) {
      verdicts.push((await motion.decide(step, index * 200)).verdict);
    }

    expect(verdicts).toEqual(['heartbeat', 'still', 'still', 'motion']);
  });

  it('rejects a frame that is not a decodable JPEG', async () => {
    await expect(gate().decide(room.subarray(0, room.length / 2), 0)).rejects.toThrow();
  });

  it('averages the absolute grey difference', () => {
    expect(meanAbsoluteDifference(Buffer.from([0, 10, 20, 30]), Buffer.from([10, 0, 20, 50]))).toBe(
      10,
    );
    expect(() => meanAbsoluteDifference(Buffer.alloc(2), Buffer.alloc(3))).toThrow();
  });
});

function uniformGreyJpeg(level: number): Promise<Buffer> {
  return sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: level, g: level, b: level } },
  })
    .jpeg({ quality: 95 })
    .toBuffer();
}
