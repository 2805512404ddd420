import { readFileSync } from 'node:fs';

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { ConfigIssue, formatFilePath, issuesFromZod } from './config-error';

const cameraIdPattern = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const cameraSchema = z
  .object({
    /** Stable id used in queues, metrics and logs: lower-case letters, digits, `-` and `_`. */
    id: z.string().regex(cameraIdPattern, 'must be lower-case letters, digits, - or _ (max 63)'),
    /** A human name for logs and the demo; defaults to the id. */
    name: z.string().min(1).optional(),
    /** The stream to pull. May carry credentials; they are redacted wherever it is printed. */
    rtspUrl: z.string().refine((value) => {
      try {
        return ['rtsp:', 'rtsps:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, 'must be an rtsp:// or rtsps:// URL'),
    /** Overrides DETECT_FPS for this camera. */
    detectFps: z.number().positive().max(30).optional(),
    /** Overrides DETECT_WIDTH for this camera, in pixels. */
    detectWidth: z.number().int().min(64).max(3840).optional(),
  })
  // A misspelt key (rtspURL) is an error, not a silently ignored line.
  .strict();

const camerasFileSchema = z
  .object({ cameras: z.array(cameraSchema).min(1, 'must list at least one camera') })
  .strict()
  .superRefine((file, context) => {
    const seen = new Set<string>();
    file.cameras.forEach((camera, index) => {
      if (seen.has(camera.id)) {
        context.addIssue({
          code: 'custom',
          path: ['cameras', index, 'id'],
          message: `duplicate camera id "${camera.id}"`,
        });
      }
      seen.add(camera.id);
    });
  });

export type CameraFileEntry = z.infer<typeof cameraSchema>;

/** Reads and validates the cameras file; returns the cameras or every problem found. */
export function readCamerasFile(
  path: string,
): { cameras: CameraFileEntry[]; issues: [] } | { cameras: []; issues: ConfigIssue[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      cameras: [],
      issues: [{ key: 'CAMERAS_FILE', message: `cannot read ${path}: ${reason}` }],
    };
  }

  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    return { cameras: [], issues: [{ key: path, message: `not valid YAML: ${reason}` }] };
  }

  const result = camerasFileSchema.safeParse(document);
  if (!result.success) {
    return {
      cameras: [],
      issues: issuesFromZod(result.error, (issuePath) => formatFilePath(path, issuePath)),
    };
  }
  return { cameras: result.data.cameras, issues: [] };
}
