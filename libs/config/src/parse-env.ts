import { z } from 'zod';

import { ConfigError, issuesFromZod } from './config-error';

export type Env = Readonly<Record<string, string | undefined>>;

/** Validates the environment against a shape and reports every bad key in one error. */
export function parseEnv<S extends z.ZodRawShape>(source: string, shape: S, env: Env) {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      source,
      issuesFromZod(result.error, (path) => String(path[0] ?? '(environment)')),
    );
  }
  return result.data;
}
