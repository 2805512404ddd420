import 'reflect-metadata';

import { ConfigError, loadCameraIngestConfig, type CameraIngestConfig } from '@edgewatch/config';
import { classLogger, createLogger } from '@edgewatch/telemetry';

import { createCameraIngestApp } from './app/camera-ingest.bootstrap';

/** sysexits EX_CONFIG: the configuration is wrong, restarting will not help. */
const EXIT_CONFIG_ERROR = 78;

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({
    service: 'camera-ingest',
    level: config.log.level,
    format: config.log.format,
  });
  const { app } = await createCameraIngestApp(config, logger);
  await app.listen(config.port);
  classLogger(logger, 'Bootstrap').info({ port: config.port }, 'camera-ingest listening');
}

function loadConfigOrExit(): CameraIngestConfig {
  try {
    return loadCameraIngestConfig(process.env);
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG_ERROR);
  }
}

bootstrap().catch((error: unknown) => {
  // Before the logger exists, or when Nest could not start (the port is taken, say).
  process.stderr.write(
    `camera-ingest failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
