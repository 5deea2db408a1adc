import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Name of the service or tool, stamped on every line as `service`. */
  service: string;
  /** Minimum level written; `silent` writes nothing. Default `info`. */
  level?: LevelWithSilent;
}

/**
 * JSON lines on stdout. Levels: lifecycle and client errors at info, server faults at error, hot
 * paths at debug. Credentials never reach a log line.
 */
export function createLogger({ service, level = 'info' }: LoggerOptions): Logger {
  // Synchronous writes: the last lines before process.exit (shutdown, fatal start-up errors)
  // must reach the log, and nothing here logs per request at info.
  return pino(
    {
      level,
      base: { service },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-moneta-identity"]', '*.password'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
