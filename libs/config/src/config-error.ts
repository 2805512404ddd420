import type { z } from 'zod';

/** One problem with one configuration key. */
export interface ConfigIssue {
  /** The environment variable or the path inside the cameras file, e.g. `cameras[1].rtspUrl`. */
  key: string;
  message: string;
}

/** Thrown at start-up when configuration is invalid; lists every bad key at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `Invalid configuration (${source}): ${issues.length} problem(s)\n` +
        issues.map((issue) => `  - ${issue.key}: ${issue.message}`).join('\n'),
    );
  }
}

export function issuesFromZod(error: z.ZodError, formatPath: (path: PropertyKey[]) => string) {
  return error.issues.map((issue): ConfigIssue => ({
    key: formatPath(issue.path),
    message: issue.message,
  }));
}

/** `cameras.yaml: cameras[1].rtspUrl`: the file, then the path inside it. */
export function formatFilePath(file: string, path: PropertyKey[]): string {
  const inside = path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : `${text}${text ? '.' : ''}${String(part)}`,
    '',
  );
  return inside ? `${file}: ${inside}` : file;
}
