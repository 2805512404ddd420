import pino, { Logger, LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export interface LoggerSettings {
  /** The service name, on every line. */
  service: string;
  level: string;
  /** `json` in containers; `pretty` for a developer's terminal. */
  format: 'json' | 'pretty';
  /** Where lines go; standard output by default. Tests pass a stream to capture them. */
  destination?: NodeJS.WritableStream;
}

/** Field paths that never reach a log line. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'rtspUrl',
  '*.rtspUrl',
  'secretAccessKey',
  '*.secretAccessKey',
  'embedding',
  '*.embedding',
  'descriptor',
  '*.descriptor',
  'jpeg',
  '*.jpeg',
];

/** The root logger of a service. Classes take a child named after themselves. */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service },
    redact: { paths: REDACTED_PATHS, censor: '***' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (settings.format === 'pretty') {
    return pino(
      options,
      pretty({
        colorize: !settings.destination && process.stdout.isTTY,
        destination: settings.destination ?? 1,
        sync: true,
        ignore: 'pid,hostname,service',
        translateTime: 'HH:MM:ss.l',
        messageFormat: '[{context}] {msg}',
      }),
    );
  }
  return pino(options, settings.destination ?? pino.destination({ sync: false }));
}

/** A child logger for one class; every line carries `context`. */
export function classLogger(root: Logger, context: string): Logger {
  return root.child({ context });
}
