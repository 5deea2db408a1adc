import path from 'node:path';
import type { Logger } from 'pino';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface DatabaseLocation {
  readonly url: string;
  /** Stops the embedded server when this process started one; a no-op otherwise. */
  release(): Promise<void>;
}

/**
 * `DATABASE_URL` when set; otherwise a real PostgreSQL started in-process from the
 * embedded-postgres package, with its data under `<dataDir>/postgres`.
 */
export async function locateDatabase(
  databaseUrl: string | undefined,
  dataDir: string,
  logger: Logger,
): Promise<DatabaseLocation> {
  if (databaseUrl) return { url: databaseUrl, release: async () => {} };

  const embedded = await startEmbeddedPostgres({
    dataDir: path.resolve(dataDir, 'postgres'),
    logger,
  });
  return { url: embedded.url, release: embedded.stop };
}
