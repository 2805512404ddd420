import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupMemory {
  /** `v1` or `v2`: which controller answered. */
  version: 'v1' | 'v2';
  /** The limit in bytes, or null when the cgroup sets none. */
  limitBytes: number | null;
  /** Current usage of the whole cgroup (all processes, page cache included), in bytes. */
  usageBytes: number;
}

/** Limits above this are "no limit" (cgroup v1 reports a page-aligned 2^63). */
const UNLIMITED_ABOVE = 2 ** 60;

/**
 * The memory limit and usage of the cgroup this process runs in, or null when no memory
 * controller is mounted (for example Raspberry Pi OS without `cgroup_enable=memory`).
 */
export function readCgroupMemory(
  procSelfCgroup = '/proc/self/cgroup',
  root = '/sys/fs/cgroup',
): CgroupMemory | null {
  const membership = readText(procSelfCgroup);
  if (membership === null) return null;

  const lines = membership.split('\n').filter(Boolean);
  const v1 = lines
    .map((line) => line.split(':'))
    .find(([, controllers]) => controllers?.split(',').includes('memory'));
  if (v1?.[2] !== undefined) {
    const dir = existingDir(
      [join(root, 'memory', v1[2]), join(root, 'memory')],
      'memory.usage_in_bytes',
    );
    if (dir) {
      return {
        version: 'v1',
        limitBytes: limitOrNull(readNumber(join(dir, 'memory.limit_in_bytes'))),
        usageBytes: readNumber(join(dir, 'memory.usage_in_bytes')) ?? 0,
      };
    }
  }

  const v2 = lines.find((line) => line.startsWith('0::'));
  if (v2 !== undefined) {
    const dir = existingDir([join(root, v2.slice(3)), root], 'memory.current');
    if (dir) {
      const max = readText(join(dir, 'memory.max'))?.trim();
      return {
        version: 'v2',
        limitBytes: max === undefined || max === 'max' ? null : limitOrNull(Number(max)),
        usageBytes: readNumber(join(dir, 'memory.current')) ?? 0,
      };
    }
  }
  return null;
}

function existingDir(candidates: string[], probeFile: string): string | undefined {
  return candidates.find((dir) => readText(join(dir, probeFile)) !== null);
}

function limitOrNull(value: number | null): number | null {
  return value === null || !Number.isFinite(value) || value >= UNLIMITED_ABOVE ? null : value;
}

function readNumber(path: string): number | null {
  const text = readText(path);
  if (text === null) return null;
  const value = Number(text.trim());
  return Number.isFinite(value) ? value : null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
