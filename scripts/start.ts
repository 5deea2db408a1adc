/**
 * `npm start`: the whole stack on one machine. Starts PostgreSQL (embedded unless DATABASE_URL
 * is set), the four subgraphs and the router as child processes, waits until each is ready,
 * prints how to query, and on Ctrl-C stops everything in reverse order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '#shared';
import { loadRouterConfig } from '../router/src/config.js';
import { createDevToken } from './dev-token.js';
import { launchStack, type RunningStack } from './stack.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const logger = createLogger({ service: 'start', level: 'info' });
let stack: RunningStack | undefined;
let embedded: ChildProcess | undefined;
let stopping = false;

async function stop(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('stopping the stack');
  await stack?.stop();
  if (embedded?.connected) {
    const exited = new Promise((resolve) => embedded?.once('exit', resolve));
    embedded.send('stop');
    await exited;
  }
  logger.info('stopped');
  process.exit(exitCode);
}

/** The embedded PostgreSQL, in its own process group (see scripts/embedded-db.ts). */
function startEmbeddedDatabase(dataDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    embedded = spawn(process.execPath, ['--import', 'tsx', 'scripts/embedded-db.ts', dataDir], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    embedded.once('message', (message: { url?: string }) => {
      if (message.url) resolve(message.url);
    });
    embedded.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code})`)));
  });
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  const routerConfig = loadRouterConfig();
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    databaseUrl = await startEmbeddedDatabase(
      path.resolve(root, process.env.DATA_DIR ?? '.data', 'postgres'),
    );
  }

  const portOf = (name: string) => {
    const value = process.env[`${name.toUpperCase()}_PORT`];
    return value === undefined ? undefined : Number(value);
  };
  stack = await launchStack({
    databaseUrl,
    ports: {
      router: routerConfig.ROUTER_PORT,
      ...Object.fromEntries(
        ['portfolio', 'trading', 'market', 'advice']
          .map((name) => [name, portOf(name)])
          .filter(([, port]) => port !== undefined),
      ),
    },
    onUnexpectedExit: (name, code, signal) => {
      // On Ctrl-C every process gets the signal and stops on its own: that is no failure.
      if (stopping) return;
      logger.error({ name, code, signal }, `${name} exited unexpectedly; stopping`);
      void stop(1);
    },
  });
  if (stopping) await new Promise(() => {});

  const token = await createDevToken('alice', routerConfig.JWT_SECRET);
  const url = `http://localhost:${stack.ports.router}/graphql`;
  process.stdout.write(
    [
      '',
      `  Moneta supergraph is up at ${url}`,
      '',
      '  Demo token for alice (valid 12 h; another user: npm run token -- bob):',
      `  ${token}`,
      '',
      '  Try it:',
      `  curl -s ${url} -H 'content-type: application/json' \\`,
      `    -H "authorization: Bearer $(npm run -s token -- alice)" \\`,
      `    -d '{"query":"{ me { portfolios { name holdings { quantity ` +
        `instrument { name quote { price } } } } } }"}'`,
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
} catch (error) {
  logger.fatal({ err: error }, 'the stack did not start');
  await stop(1);
}
