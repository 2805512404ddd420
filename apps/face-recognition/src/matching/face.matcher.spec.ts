import { describe, expect, it } from 'vitest';

import { euclideanDistance, matchFaces, type MatchableMember } from './face.matcher';

/** A 128-value descriptor that is `offset` away from the origin along axis `axis`. */
function descriptorAt(axis: number, offset: number): Float32Array {
  const values = new Float32Array(128);
  values[axis] = offset;
  return values;
}

function member(memberId: string, ...descriptors: Float32Array[]): MatchableMember {
  return { memberId, name: `Name of ${memberId}`, descriptors };
}

const THRESHOLD = 0.55;

describe('matchFaces', () => {
  it('gives a member to at most one face of a frame, the nearer one', () => {
    const alice = member('alice', descriptorAt(0, 1));
    const faceNearAlice = descriptorAt(0, 1.1); // 0.1 from alice
    const faceAlsoNearAlice = descriptorAt(0, 1.3); // 0.3 from alice

    const matches = matchFaces([faceAlsoNearAlice, faceNearAlice], [alice], THRESHOLD);

    expect(matches[1]).toMatchObject({ known: true, memberId: 'alice' });
    expect(matches[1]?.known && matches[1].distance).toBeCloseTo(0.1, 5);
    expect(matches[0]).toEqual({ known: false, nearestDistance: expect.closeTo(0.3, 5) });
  });

  it('assigns pairs from the smallest distance, so the second face gets its next member', () => {
    const alice = member('alice', descriptorAt(0, 1));
    const bob = member('bob', descriptorAt(0, 1.4));
    const faceA = descriptorAt(0, 1.05); // alice 0.05, bob 0.35
    const faceB = descriptorAt(0, 1.2); // alice 0.2, bob 0.2

    const matches = matchFaces([faceB, faceA], [alice, bob], THRESHOLD);

    expect(matches.map((m) => (m.known ? m.memberId : 'unknown'))).toEqual(['bob', 'alice']);
  });

  it('uses the nearest of the several photos of a member', () => {
    const alice = member('alice', descriptorAt(0, 5), descriptorAt(1, 1));
    const face = descriptorAt(1, 1.2);

    const [match] = matchFaces([face], [alice], THRESHOLD);

    expect(match).toMatchObject({ known: true, memberId: 'alice' });
    expect(match?.known && match.distance).toBeCloseTo(0.2, 5);
  });

  it('calls a face unknown at or above the threshold and reports the nearest distance', () => {
    // Values exact in float32, so the face sits on the threshold, not a rounding error away.
    const threshold = 0.5;
    const alice = member('alice', descriptorAt(0, 1));
    const atThreshold = descriptorAt(0, 1.5);
    const far = descriptorAt(0, 2);

    const matches = matchFaces([atThreshold, far], [alice], threshold);

    expect(matches[0]).toEqual({ known: false, nearestDistance: 0.5 });
    expect(matches[1]).toEqual({ known: false, nearestDistance: expect.closeTo(1, 5) });
  });

  it('reports no distance when nobody is enrolled', () => {
    expect(matchFaces([descriptorAt(0, 1)], [], THRESHOLD)).toEqual([
      { known: false, nearestDistance: null },
    ]);
  });

  it('measures Euclidean distance and refuses descriptors of different lengths', () => {
    expect(euclideanDistance(Float32Array.of(0, 3), Float32Array.of(4, 0))).toBe(5);
    expect(() => euclideanDistance(new Float32Array(128), new Float32Array(512))).toThrow(
      RangeError,
    );
  });
});
