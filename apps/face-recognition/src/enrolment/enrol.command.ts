import { ConfigError, loadFaceRecognitionConfig } from '@edgewatch/config';
import { createLogger } from '@edgewatch/telemetry';

import { parseEnrolArguments } from './enrol.arguments';
import { enrolMember, type EnrolmentResult } from './enrol-member';
import {
  DynamoUnreachableError,
  EnrolmentPhotoError,
  MembersTableMissingError,
} from './enrolment.errors';

/** sysexits(3) codes, so a script can tell a bad call from a bad photo from a missing service. */
const EnrolExitCode = {
  ok: 0,
  /** Something unexpected; the stack is printed. */
  unexpected: 1,
  /** EX_USAGE: an argument is missing, blank or unknown. */
  usage: 64,
  /** EX_DATAERR: a photo was refused (unreadable, not an image, no face, several faces). */
  photoRefused: 65,
  /** EX_UNAVAILABLE: DynamoDB did not answer at DYNAMODB_ENDPOINT. */
  dynamoUnavailable: 69,
  /** EX_CONFIG: invalid settings in the environment, or the members table does not exist. */
  config: 78,
} as const;

const USAGE = `Usage: npx tsx apps/face-recognition/src/enrolment/enrol.command.ts \\
  --member-id ID --name NAME --photo FILE [--photo FILE2 ...] [--create-table]

Computes the member's face embeddings from the photos (each must show exactly one face)
and writes the member to the members table as ready. Spaces around ID and NAME are removed.
Settings come from the environment like the service's: DYNAMODB_ENDPOINT, MEMBERS_TABLE,
AWS_REGION, RECOGNISE_DETECTOR, ...

  --create-table  create the members table when it is missing (development, demo)

Exit codes:
  0   enrolled
  64  an argument is missing, blank or unknown
  65  a photo was refused; nothing was written
  69  DynamoDB is not reachable at DYNAMODB_ENDPOINT; nothing was written
  78  invalid settings, or the members table does not exist; nothing was written
  1   unexpected error (printed with its stack)`;

async function main(argv: readonly string[]): Promise<number> {
  const args = parseEnrolArguments(argv);
  if (args.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EnrolExitCode.ok;
  }
  if (args.kind === 'invalid') {
    const problems = args.problems.map((problem) => `enrol: ${problem}\n`).join('');
    process.stderr.write(`${problems}\n${USAGE}\n`);
    return EnrolExitCode.usage;
  }

  let config;
  try {
    config = loadFaceRecognitionConfig(process.env);
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EnrolExitCode.config;
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
      logger,
      memberId: args.memberId,
      name: args.name,
      photos: args.photos,
      createTable: args.createTable,
    });
    process.stdout.write(describeResult(result));
    return EnrolExitCode.ok;
  } catch (error: unknown) {
    return reportExpectedFailure(error);
  }
}

/** Says an expected failure in one line and returns its exit code; rethrows anything else. */
function reportExpectedFailure(error: unknown): number {
  if (error instanceof EnrolmentPhotoError) {
    process.stderr.write(`Refused, nothing written: ${error.message}\n`);
    return EnrolExitCode.photoRefused;
  }
  if (error instanceof MembersTableMissingError) {
    process.stderr.write(
      `Nothing written: members table "${error.table}" (MEMBERS_TABLE) does not exist at ` +
        `${error.endpoint} (DYNAMODB_ENDPOINT); create it or pass --create-table\n`,
    );
    return EnrolExitCode.config;
  }
  if (error instanceof DynamoUnreachableError) {
    process.stderr.write(
      `Nothing written: cannot reach DynamoDB at ${error.endpoint} (DYNAMODB_ENDPOINT): ` +
        `${error.reason}\n`,
    );
    return EnrolExitCode.dynamoUnavailable;
  }
  throw error;
}

function describeResult(result: EnrolmentResult): string {
  const photos = result.photos.map(
    ({ photo, box, score }) =>
      `  ${photo}: face at ${box.x},${box.y} ${box.width}x${box.height}, ` +
      `score ${score.toFixed(2)}\n`,
  );
  return (
    `Enrolled ${result.name} (${result.memberId}) in table ${result.table} with ` +
    `${result.photos.length} photo(s), model ${result.modelId}:\n${photos.join('')}`
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      'Enrolment failed: ' +
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = EnrolExitCode.unexpected;
  },
);
