import 'reflect-metadata';

import {
  ConfigError,
  loadFaceRecognitionConfig,
  redactConfig,
  type FaceRecognitionConfig,
} from '@edgewatch/config';
import { classLogger } from '@edgewatch/telemetry';

import { createFaceRecognitionApp } from './face-recognition.app';

/** sysexits' EX_CONFIG: the orchestrator sees a configuration problem, not a crash. */
const EXIT_CONFIG = 78;

async function main(): Promise<void> {
  let config: FaceRecognitionConfig;
  try {
    config = loadFaceRecognitionConfig(process.env);
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }

  const service = await createFaceRecognitionApp(config);
  const logger = classLogger(service.logger, 'main');
  logger.info({ config: redactConfig(config) }, 'configuration');
  const url = await service.listen();
  logger.info({ url }, 'face-recognition listening');
}

void main();
