import { parseArgs } from 'node:util';

import type { RecognitionEvent } from '@edgewatch/queues';
import { fixturePath } from '@edgewatch/testing';

import { buildApps, startStack, type Stack } from './stack/stack';

const USAGE = `Usage: bash tools/demo.sh [--name NAME] [--member-id ID] [--seconds N]

  --name NAME       the name to enrol the person on the entrance camera under (default: Sam Rivera)
  --member-id ID    their member id (default: member-0001)
  --seconds N       stop by itself after N seconds (default: run until Ctrl-C)`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(64);
}

function readArgs() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        name: { type: 'string', default: 'Sam Rivera' },
        'member-id': { type: 'string', default: 'member-0001' },
        seconds: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error: unknown) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (parsed.name.trim() === '') usageError('--name must not be blank');
  if (parsed['member-id'].trim() === '') usageError('--member-id must not be blank');
  const seconds = parsed.seconds === undefined ? undefined : Number(parsed.seconds);
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
    usageError(`--seconds must be a positive number of seconds, not "${parsed.seconds}"`);
  }
  return { name: parsed.name.trim(), memberId: parsed['member-id'].trim(), seconds };
}

const args = readArgs();

const ENROLMENT_PHOTO = fixturePath('video', 'stills', 'head_pose_male_t0.5.jpg');
/** Unknown faces are printed at most this often per camera, so known ones stand out. */
const UNKNOWN_PRINT_INTERVAL_MS = 5_000;

function say(message: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)}  ${message}\n`);
}

async function main(): Promise<void> {
  say('Building the apps...');
  buildApps();

  const stack = await startStack({
    cameras: [
      {
        id: 'entrance',
        name: 'Entrance',
        file: fixturePath('video', 'faces_head_pose_male_from2.5s.mp4'),
        user: 'viewer',
        password: 'demo-camera-pass',
      },
      { id: 'lobby', name: 'Lobby', file: fixturePath('video', 'faces_asl_book.mkv') },
    ],
    env: { LOG_FORMAT: 'json', MEMBERS_REFRESH_MS: '2000' },
    onProgress: (message) => say(`started ${message}`),
  });
  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    say(`${reason}: stopping everything the demo started...`);
    await stack.stop();
    say(`stopped. The service logs stay in ${stack.workDir}`);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('Ctrl-C'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  say(`enrolling "${args.name}" (${args.memberId}) from a frame that the camera does not stream`);
  const modelId = await stack.members.enrol(args.memberId, args.name, [ENROLMENT_PHOTO]);
  say(`enrolled with model ${modelId}; the member list refreshes every 2 s`);

  printWhereToLook(stack);
  followRecognitions(stack);

  if (args.seconds) {
    setTimeout(
      () => void shutdown(`${args.seconds} s passed`),
      Number(args.seconds) * 1_000,
    ).unref();
  }
}

function printWhereToLook(stack: Stack): void {
  const lines = [
    '',
    'Where to look:',
    `  face-recognition  ${stack.faceRecognition.baseUrl}/metrics  /health/live  /health/ready  ` +
      'POST /recognise',
    `  camera-ingest     ${stack.cameraIngest.baseUrl}/metrics  /health/live  /health/ready`,
    `  service logs      ${stack.workDir}/face-recognition.log, camera-ingest.log`,
    `  recognitions      redis-cli -u ${stack.redis.url} ` +
      `XREVRANGE ${stack.redisPrefix}:stream:recognitions + - COUNT 5`,
    '',
    'Recognitions as they happen (Ctrl-C stops everything):',
  ];
  lines.forEach((line) => process.stdout.write(`${line}\n`));
}

function followRecognitions(stack: Stack): void {
  const lastUnknownAt = new Map<string, number>();
  const describe = (event: RecognitionEvent) => {
    const who = event.memberId === 'unknown' ? 'unknown face' : `${event.name} (${event.memberId})`;
    const distance =
      event.distance === null ? 'no members' : `distance ${event.distance.toFixed(3)}`;
    const latency = `latency ${Math.round(event.latencyMs)} ms`;
    return `${event.cameraId.padEnd(9)} ${who.padEnd(28)} ${distance}  ${latency}`;
  };

  void stack.feed().follow((event) => {
    if (event.memberId === 'unknown') {
      const last = lastUnknownAt.get(event.cameraId) ?? 0;
      if (Date.now() - last < UNKNOWN_PRINT_INTERVAL_MS) return;
      lastUnknownAt.set(event.cameraId, Date.now());
    }
    say(describe(event));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
