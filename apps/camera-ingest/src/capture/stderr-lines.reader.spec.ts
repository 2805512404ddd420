import { redactText, secretsOfUrl } from '@edgewatch/config';
import { describe, expect, it } from 'vitest';

import { StderrLinesReader } from './stderr-lines.reader';

const cameraUrl = 'rtsp://admin:S3cr%40t-pw@127.0.0.1:8554/stream';
const secrets = secretsOfUrl(cameraUrl);

function reader(maxLineChars = 1_000, tailLines = 3) {
  const lines: string[] = [];
  const stderr = new StderrLinesReader({
    maxLineChars,
    tailLines,
    redact: (line) => redactText(line, secrets),
    onLine: (line) => lines.push(line),
  });
  return { stderr, lines };
}

/** Lines ffmpeg 5 prints for a camera that refuses the password. */
const ffmpegUnauthorised =
  '[rtsp @ 0x5581c7a0] method DESCRIBE failed: 401 Unauthorized\n' +
  `${cameraUrl}: Server returned 401 Unauthorized (authorization failed)\n`;

describe('StderrLinesReader', () => {
  it('redacts the camera URL ffmpeg echoes, keeping host and path', () => {
    const { stderr, lines } = reader();
    stderr.push(ffmpegUnauthorised);

    expect(lines).toEqual([
      '[rtsp @ 0x5581c7a0] method DESCRIBE failed: 401 Unauthorized',
      'rtsp://***:***@127.0.0.1:8554/stream: ' +
        'Server returned 401 Unauthorized (authorization failed)',
    ]);
  });

  it('redacts a URL split across chunks at every offset, and the decoded password too', () => {
    const text = `${ffmpegUnauthorised}password was S3cr@t-pw\n`;
    for (let cut = 0; cut <= text.length; cut++) {
      const { stderr, lines } = reader();
      stderr.push(text.slice(0, cut));
      stderr.push(text.slice(cut));

      const all = lines.join('\n');
      expect(all, `cut at ${cut}`).not.toContain('S3cr');
      expect(lines).toHaveLength(3);
    }
  });

  it('cuts an endless line at the bound without leaving half a URL behind', () => {
    const { stderr, lines } = reader(60);
    stderr.push(`${'x'.repeat(40)} ${cameraUrl} and more`);
    stderr.push(' '.repeat(100_000));
    stderr.push('\nnext line\n');

    expect(lines).toEqual([`${'x'.repeat(40)} …`, 'next line']);
  });

  it(
    'keeps only the last lines for the exit message, ' + 'and hands on a final unterminated line',
    () => {
      const { stderr } = reader(1_000, 3);
      stderr.push('one\ntwo\r\nthree\nfour\nfive');
      stderr.flush();

      expect(stderr.tail).toEqual(['three', 'four', 'five']);
    },
  );

  it('skips blank lines', () => {
    const { stderr, lines } = reader();
    stderr.push('\n\n  \nreal\n');

    expect(lines).toEqual(['real']);
  });
});
