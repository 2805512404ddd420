import { describe, expect, it } from 'vitest';

import { MAX_EMBEDDINGS_PER_MEMBER } from '../members/members.repository';

import { parseEnrolArguments } from './enrol.arguments';

/** A valid command line with some options replaced or left out (value undefined). */
function argv(overrides: Record<string, string | undefined> = {}): string[] {
  const options: Record<string, string | undefined> = {
    '--member-id': 'm-1',
    '--name': 'Ada Lovelace',
    '--photo': 'ada.jpg',
    ...overrides,
  };
  return Object.entries(options).flatMap(([option, value]) =>
    value === undefined ? [] : [option, value],
  );
}

describe('parseEnrolArguments', () => {
  it('accepts a member id, a name and photos, with the spaces around them removed', () => {
    const args = parseEnrolArguments([
      ...argv({ '--member-id': '  m-1 ', '--name': ' Ada Lovelace  ' }),
      '--photo',
      'ada-2.jpg',
      '--create-table',
    ]);

    expect(args).toEqual({
      kind: 'enrol',
      memberId: 'm-1',
      name: 'Ada Lovelace',
      photos: ['ada.jpg', 'ada-2.jpg'],
      createTable: true,
    });
  });

  it('refuses a member id and a name made of spaces, naming both', () => {
    const args = parseEnrolArguments(argv({ '--member-id': '   ', '--name': '   ' }));

    expect(args).toEqual({
      kind: 'invalid',
      problems: ['--member-id must not be blank', '--name must not be blank'],
    });
  });

  it('refuses an empty name', () => {
    expect(parseEnrolArguments(argv({ '--name': '' }))).toEqual({
      kind: 'invalid',
      problems: ['--name must not be blank'],
    });
  });

  it('names each missing argument', () => {
    expect(parseEnrolArguments(argv({ '--name': undefined }))).toEqual({
      kind: 'invalid',
      problems: ['--name is required'],
    });
    expect(parseEnrolArguments([])).toEqual({
      kind: 'invalid',
      problems: [
        '--member-id is required',
        '--name is required',
        '--photo is required (one or more)',
      ],
    });
  });

  it('refuses an empty photo path and more photos than a member may have', () => {
    const tooMany = Array.from({ length: MAX_EMBEDDINGS_PER_MEMBER + 1 }, (_, index) => [
      '--photo',
      `${index}.jpg`,
    ]).flat();

    expect(parseEnrolArguments(argv({ '--photo': ' ' }))).toEqual({
      kind: 'invalid',
      problems: ['--photo must not be empty'],
    });
    expect(parseEnrolArguments([...argv({ '--photo': undefined }), ...tooMany])).toEqual({
      kind: 'invalid',
      problems: [
        `--photo is given ${MAX_EMBEDDINGS_PER_MEMBER + 1} times; ` +
          `at most ${MAX_EMBEDDINGS_PER_MEMBER} per member`,
      ],
    });
  });

  it('names an unknown option and an option given without its value', () => {
    const unknown = parseEnrolArguments([...argv(), '--table', 'x']);
    const noValue = parseEnrolArguments([...argv({ '--name': undefined }), '--name']);

    expect(unknown).toMatchObject({
      kind: 'invalid',
      problems: [expect.stringContaining('--table')],
    });
    expect(noValue).toMatchObject({
      kind: 'invalid',
      problems: [expect.stringContaining('--name')],
    });
  });

  it('answers --help whatever else is given', () => {
    expect(parseEnrolArguments(['--help', '--name', ' '])).toEqual({ kind: 'help' });
  });
});
