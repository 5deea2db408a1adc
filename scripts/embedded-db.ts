/**
 * Runs the embedded PostgreSQL for `npm start` in a process group of its own, so that Ctrl-C
 * reaches the services (which drain and close their pools) but not the database under them.
 * Reports its URL over IPC; stops the server when told to or when its parent goes away.
 */
import path from 'node:path';
import { createLogger, startEmbeddedPostgres } from '#shared';

const logger = createLogger({ service: 'postgres' });
const dataDir = process.argv[2];
if (!dataDir || !process.send) {
  logger.fatal('usage: spawned by scripts/start.ts with a data directory and an IPC channel');
  process.exit(2);
}

const server = await startEmbeddedPostgres({ dataDir: path.resolve(dataDir), logger });
let stopping: Promise<void> | undefined;

function stop(): void {
  stopping ??= server.stop().finally(() => process.exit(0));
}

process.on('message', (message) => {
  if (message === 'stop') stop();
});
process.on('disconnect', stop);
// Ctrl-C is for the services; the database stops when start.ts says so, after them.
process.on('SIGINT', () => {});
process.send({ url: server.url });
