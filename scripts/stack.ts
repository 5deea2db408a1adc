import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUBGRAPHS } from './subgraphs.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export type ServiceName = (typeof SUBGRAPHS)[number]['name'] | 'router';

export interface StackOptions {
  databaseUrl: string;
  /** Port of each service; defaults 4000 for the router and 4001-4004 for the subgraphs. */
  ports?: Partial<Record<ServiceName, number>>;
  /** Extra environment for every process (log level, secrets, ...). */
  env?: NodeJS.ProcessEnv;
  /** Where children write; `inherit` for a terminal, `ignore` to keep a test run quiet. */
  output?: 'inherit' | 'ignore';
  /** Called when a service exits without being asked to. */
  onUnexpectedExit?: (name: ServiceName, code: number | null, signal: string | null) => void;
  readyTimeoutMs?: number;
}

export interface RunningStack {
  readonly ports: Record<ServiceName, number>;
  readonly urls: Record<ServiceName, string>;
  /** Stops every service, router first, and waits for each to exit. */
  stop(): Promise<void>;
  /** Kills one service hard (SIGKILL) and waits for it to be gone. */
  kill(name: ServiceName): Promise<void>;
  /** Starts a stopped or killed service again and waits until it is ready. */
  start(name: ServiceName): Promise<void>;
}

const DEFAULT_PORTS: Record<ServiceName, number> = {
  router: 4000,
  ...(Object.fromEntries(SUBGRAPHS.map(({ name, port }) => [name, port])) as Record<
    (typeof SUBGRAPHS)[number]['name'],
    number
  >),
};

function entryOf(name: ServiceName): string {
  return name === 'router'
    ? path.join('router', 'src', 'main.ts')
    : path.join('subgraphs', name, 'src', 'main.ts');
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function waitUntilReady(url: string, timeoutMs: number, stillRunning = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillRunning()) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
}

/**
 * The four subgraphs and the router as separate processes over one database, each told the
 * others' URLs. Used by `npm start` and by the integration tests, so both run the same thing.
 */
export async function launchStack(options: StackOptions): Promise<RunningStack> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const urls = Object.fromEntries(
    Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}/graphql`]),
  ) as Record<ServiceName, string>;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    DATABASE_URL: options.databaseUrl,
    ROUTER_PORT: String(ports.router),
  };
  for (const { name } of SUBGRAPHS) {
    env[`${name.toUpperCase()}_PORT`] = String(ports[name]);
    env[`${name.toUpperCase()}_URL`] = urls[name];
  }

  const children = new Map<ServiceName, ChildProcess>();
  const expectedExit = new Set<ServiceName>();
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;

  async function start(name: ServiceName): Promise<void> {
    expectedExit.delete(name);
    const child = spawn(process.execPath, ['--import', 'tsx', entryOf(name)], {
      cwd: root,
      env,
      // The IPC channel lets a child notice when its parent dies, however it dies.
      stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit', 'ipc'],
    });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (!expectedExit.has(name)) options.onUnexpectedExit?.(name, code, signal);
    });

    const running = () => child.exitCode === null && child.signalCode === null;
    await waitUntilReady(`http://127.0.0.1:${ports[name]}/readyz`, readyTimeoutMs, running);
    if (!running()) throw new Error(`${name} exited during start-up (code ${child.exitCode})`);
  }

  async function stopOne(name: ServiceName, signal: NodeJS.Signals): Promise<void> {
    const child = children.get(name);
    if (!child) return;
    expectedExit.add(name);
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(timer);
  }

  const stack: RunningStack = {
    ports,
    urls,
    start,
    kill: (name) => stopOne(name, 'SIGKILL'),
    async stop() {
      for (const name of ['router', ...SUBGRAPHS.map((s) => s.name).reverse()] as ServiceName[]) {
        await stopOne(name, 'SIGTERM');
      }
    },
  };

  try {
    await Promise.all(SUBGRAPHS.map(({ name }) => start(name)));
    await start('router');
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}
