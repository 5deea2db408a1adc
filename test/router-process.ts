import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '#shared';
import { waitUntilReady } from '../scripts/stack.js';
import { serviceUrl } from './stack.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface RouterProcess {
  url: string;
  /** Everything the router has logged so far. */
  output(): string;
  stop(): Promise<void>;
}

/** One more router, configured by `env`, over the run's four subgraphs. */
export async function startRouterProcess(env: NodeJS.ProcessEnv): Promise<RouterProcess> {
  const port = await findFreePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'router/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      ROUTER_PORT: String(port),
      PORTFOLIO_URL: serviceUrl('portfolio'),
      TRADING_URL: serviceUrl('trading'),
      MARKET_URL: serviceUrl('market'),
      ADVICE_URL: serviceUrl('advice'),
      REDIS_PREFIX: process.env.TEST_REDIS_PREFIX,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const running = () => child.exitCode === null && child.signalCode === null;
  await waitUntilReady(`http://127.0.0.1:${port}/readyz`, 60_000, running);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    output: () => output,
    async stop() {
      if (!running()) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
