import { parseArgs } from 'node:util';

import { MAX_EMBEDDINGS_PER_MEMBER } from '../members/members.repository';

/** What the enrol command was asked to do, or every problem with how it was asked. */
export type EnrolArguments =
  | {
      kind: 'enrol';
      /** Trimmed; never blank. */
      memberId: string;
      /** Trimmed; never blank. */
      name: string;
      photos: string[];
      createTable: boolean;
    }
  | { kind: 'help' }
  | { kind: 'invalid'; problems: string[] };

/** Reads the enrol command's arguments (without `node` and the script). */
export function parseEnrolArguments(argv: readonly string[]): EnrolArguments {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        'member-id': { type: 'string' },
        name: { type: 'string' },
        photo: { type: 'string', multiple: true },
        'create-table': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error: unknown) {
    return { kind: 'invalid', problems: [error instanceof Error ? error.message : String(error)] };
  }
  if (values.help) return { kind: 'help' };

  const problems: string[] = [];
  // Quoting slips in a shell leave spaces around a value; an id of spaces is never meant.
  const memberId = requiredText('--member-id', values['member-id'], problems);
  const name = requiredText('--name', values.name, problems);
  const photos = values.photo ?? [];
  if (photos.length === 0) problems.push('--photo is required (one or more)');
  if (photos.some((photo) => photo.trim() === '')) problems.push('--photo must not be empty');
  if (photos.length > MAX_EMBEDDINGS_PER_MEMBER) {
    problems.push(
      `--photo is given ${photos.length} times; at most ${MAX_EMBEDDINGS_PER_MEMBER} per member`,
    );
  }

  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'enrol', memberId, name, photos, createTable: values['create-table'] };
}

function requiredText(option: string, value: string | undefined, problems: string[]): string {
  const trimmed = value?.trim() ?? '';
  if (value === undefined) problems.push(`${option} is required`);
  else if (trimmed === '') problems.push(`${option} must not be blank`);
  return trimmed;
}
