import { fixturePath, startRedis, startRtspCamera, waitFor } from '@edgewatch/testing';
import { expect, it } from 'vitest';

import { cameraCounts, CapturedLogs, startIngest } from '../testing/ingest.harness';

const password = 'Edgewatch-S3cret-pw';
const wrongPassword = 'Wr0ng-Edgewatch-pw';

it('no log line contains a camera password, with the right one or a refused one', async () => {
  const redis = await startRedis();
  const camera = await startRtspCamera({
    file: fixturePath('video', 'faces_asl_book.mkv'),
    user: 'admin',
    password,
  });
  const wrongUrl = camera.urlWithCredentials.replace(password, wrongPassword);
  const logs = new CapturedLogs();
  const app = await startIngest({
    cameras: [
      { id: 'door', rtspUrl: camera.urlWithCredentials },
      { id: 'refused', rtspUrl: wrongUrl },
    ],
    redisUrl: redis.url,
    logs,
    // Every line logged, nothing rate-limited away: the most chances to leak.
    env: {
      CAMERA_LOG_INTERVAL_MS: '0',
      BACKOFF_INITIAL_MS: '100',
      BACKOFF_MAX_MS: '200',
      LOG_LEVEL: 'trace',
    },
  });

  try {
    await waitFor(
      async () =>
        (await cameraCounts(app, 'door')).in >= 10 &&
        (await cameraCounts(app, 'refused')).restarts.exit >= 3,
      { timeoutMs: 30_000, what: 'frames from door and three refusals of the wrong password' },
    );
  } finally {
    await app.close();
    await camera.stop();
    await redis.stop();
  }

  const all = logs.lines.join('\n');
  const stderrLines = logs.lines.filter((line) => line.includes('"ffmpegStderr"'));
  console.info(
    `${logs.lines.length} log lines; ffmpeg stderr examples:\n` +
      stderrLines.slice(0, 3).join('\n'),
  );
  expect(all).toContain('401');
  expect(all).toContain('rtsp://***:***@127.0.0.1');
  expect(stderrLines.length).toBeGreaterThanOrEqual(3);
  for (const secret of [password, wrongPassword, encodeURIComponent(password)]) {
    expect(all).not.toContain(secret);
  }
});
