import { describe, expect, it } from 'vitest';

import { buildFfmpegArgs, type DetectFramesOutput } from './ffmpeg-args.builder';

const detect: DetectFramesOutput = { kind: 'detect-frames', fps: 5, width: 640, jpegQuality: 5 };

describe('buildFfmpegArgs', () => {
  it('pulls RTSP over TCP with the I/O timeout in microseconds and writes MJPEG to stdout', () => {
    const args = buildFfmpegArgs({ url: 'rtsp://cam.local/stream', timeoutMs: 10_000 }, [detect]);

    expect(args).toEqual([
      '-hide_banner',
      '-loglevel',
      'warning',
      '-nostdin',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      '10000000',
      '-i',
      'rtsp://cam.local/stream',
      '-an',
      '-vf',
      'fps=5,scale=640:-2',
      '-f',
      'image2pipe',
      '-c:v',
      'mjpeg',
      '-q:v',
      '5',
      'pipe:1',
    ]);
  });

  it('passes the URL as one argument, credentials and all, never through a shell', () => {
    const url = 'rtsp://admin:p%40ss word@10.0.0.5:554/Streaming/101';
    const args = buildFfmpegArgs({ url, timeoutMs: 500 }, [detect]);

    expect(args[args.indexOf('-i') + 1]).toBe(url);
    expect(args).toContain('500000');
  });

  it('writes fractional detect rates as ffmpeg expects', () => {
    const args = buildFfmpegArgs({ url: 'rtsp://cam/s', timeoutMs: 1_000 }, [
      { ...detect, fps: 0.5, width: 320 },
    ]);

    expect(args).toContain('fps=0.5,scale=320:-2');
  });

  it('puts every output after the single input, in order', () => {
    const second: DetectFramesOutput = { ...detect, fps: 1, width: 160 };
    const args = buildFfmpegArgs({ url: 'rtsp://cam/s', timeoutMs: 1_000 }, [detect, second]);

    expect(args.filter((arg) => arg === '-i')).toHaveLength(1);
    expect(args.filter((arg) => arg === 'pipe:1')).toHaveLength(2);
    expect(args.indexOf('fps=5,scale=640:-2')).toBeLessThan(args.indexOf('fps=1,scale=160:-2'));
  });

  it('refuses an ffmpeg with no output', () => {
    expect(() => buildFfmpegArgs({ url: 'rtsp://cam/s', timeoutMs: 1_000 }, [])).toThrow(
      /at least one output/,
    );
  });
});
