import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let cachedRepoRoot: string | undefined;

/** The monorepo root: the nearest directory above this file (or the cwd) holding nx.json. */
export function repoRoot(): string {
  if (cachedRepoRoot !== undefined) return cachedRepoRoot;

  // __dirname exists under CommonJS and under vitest; the cwd is the fallback for bundles.
  const starts = typeof __dirname === 'string' ? [__dirname, process.cwd()] : [process.cwd()];
  for (const start of starts) {
    const found = findUp(start, 'nx.json');
    if (found !== undefined) {
      cachedRepoRoot = found;
      return found;
    }
  }
  throw new Error(`no nx.json found above ${starts.join(' or ')}`);
}

function findUp(start: string, marker: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, marker))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Absolute path of a file in `<repo>/fixtures/`, e.g.
 * fixturePath('video', 'faces_asl_book.mkv').
 */
export function fixturePath(...parts: string[]): string {
  return join(repoRoot(), 'fixtures', ...parts);
}

/** Absolute path of a file in `<repo>/tools/`. */
export function toolPath(...parts: string[]): string {
  return join(repoRoot(), 'tools', ...parts);
}
