import { parseArgs } from 'node:util';

import { ConfigError, loadFaceRecognitionConfig } from '@edgewatch/config';
import { createLogger } from '@edgewatch/telemetry';

import { enrolMember, EnrolmentPhotoError } from './enrol-member';

const USAGE = `Usage: npx tsx apps/face-recognition/src/enrolment/enrol.command.ts \\
  --member-id ID --name NAME --photo FILE [--photo FILE2 ...] [--create-table]

Computes the member's face embeddings from the photos (each must show exactly one face)
and writes the member to the members table as ready. Settings come from the environment
like the service's: DYNAMODB_ENDPOINT, MEMBERS_TABLE, AWS_REGION, RECOGNISE_DETECTOR, ...`;

const EXIT_USAGE = 64;
const EXIT_CONFIG = 78;
const EXIT_PHOTO_REFUSED = 65;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        'member-id': { type: 'string' },
        name: { type: 'string' },
        photo: { type: 'string', multiple: true },
        'create-table': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error: unknown) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const memberId = args['member-id'];
  const name = args.name;
  const photos = args.photo ?? [];
  if (args.help || !memberId || !name || photos.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return args.help ? 0 : EXIT_USAGE;
  }

  let config;
  try {
    config = loadFaceRecognitionConfig(process.env);
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_CONFIG;
  }
  // Log lines go to stderr; stdout carries only the result.
  const logger = createLogger({
    service: 'face-recognition-enrol',
    level: config.log.level === 'info' ? 'warn' : config.log.level,
    format: 'pretty',
    destination: process.stderr,
  });

  try {
    const result = await enrolMember({
      config,
      memberId,
      name,
      photos,
      logger,
      createTable: args['create-table'],
    });
    process.stdout.write(
      `Enrolled ${result.name} (${result.memberId}) in table ${result.table} with ${result.photos.length} photo(s), model ${result.modelId}:\n` +
        result.photos
          .map(
            (p) =>
              `  ${p.photo}: face at ${p.box.x},${p.box.y} ${p.box.width}x${p.box.height}, score ${p.score.toFixed(2)}\n`,
          )
          .join(''),
    );
    return 0;
  } catch (error: unknown) {
    if (error instanceof EnrolmentPhotoError) {
      process.stderr.write(`Refused, nothing written: ${error.message}\n`);
      return EXIT_PHOTO_REFUSED;
    }
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `Enrolment failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
