/** A member as the matcher sees it: only members whose embeddings can be compared. */
export interface MatchableMember {
  memberId: string;
  name: string;
  /** One descriptor per enrolled photo, each 128 values of the current model. */
  descriptors: readonly Float32Array[];
}

export type FaceMatch =
  | { known: true; memberId: string; name: string; distance: number }
  /** `nearestDistance` is the best distance seen, null when no member is enrolled. */
  | { known: false; nearestDistance: number | null };

export function euclideanDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new RangeError(`descriptor lengths differ: ${a.length} and ${b.length}`);
  }

  let sum = 0;
  for (let index = 0; index < a.length; index++) {
    const difference = (a[index] as number) - (b[index] as number);
    sum += difference * difference;
  }
  return Math.sqrt(sum);
}

/** A member is as near as its nearest enrolled photo. */
export function memberDistance(member: MatchableMember, descriptor: Float32Array): number {
  let nearest = Infinity;
  for (const enrolled of member.descriptors) {
    nearest = Math.min(nearest, euclideanDistance(enrolled, descriptor));
  }
  return nearest;
}

interface Candidate {
  faceIndex: number;
  memberIndex: number;
  distance: number;
}

/**
 * Matches the faces of one frame to members. Pairs under the threshold are assigned from
 * the smallest distance up, so a member goes to at most one face of the frame (two people
 * cannot both be the same member) and a face to at most one member; a face left without a
 * pair is unknown.
 */
export function matchFaces(
  descriptors: readonly Float32Array[],
  members: readonly MatchableMember[],
  threshold: number,
): FaceMatch[] {
  const nearestByFace: (number | null)[] = descriptors.map(() => null);
  const candidates: Candidate[] = [];

  descriptors.forEach((descriptor, faceIndex) => {
    members.forEach((member, memberIndex) => {
      const distance = memberDistance(member, descriptor);
      const nearest = nearestByFace[faceIndex];
      if (nearest === null || nearest === undefined || distance < nearest) {
        nearestByFace[faceIndex] = distance;
      }
      if (distance < threshold) candidates.push({ faceIndex, memberIndex, distance });
    });
  });
  candidates.sort((a, b) => a.distance - b.distance);

  const matches: FaceMatch[] = nearestByFace.map((nearestDistance) => ({
    known: false,
    nearestDistance:
      nearestDistance === null || !Number.isFinite(nearestDistance) ? null : nearestDistance,
  }));
  const assignedFaces = new Set<number>();
  const assignedMembers = new Set<number>();
  for (const candidate of candidates) {
    if (assignedFaces.has(candidate.faceIndex) || assignedMembers.has(candidate.memberIndex)) {
      continue;
    }
    assignedFaces.add(candidate.faceIndex);
    assignedMembers.add(candidate.memberIndex);
    const member = members[candidate.memberIndex] as MatchableMember;
    matches[candidate.faceIndex] = {
      known: true,
      memberId: member.memberId,
      name: member.name,
      distance: candidate.distance,
    };
  }
  return matches;
}
