/**
 * The four subgraphs and the router as child processes on free ports, like scripts/stack.ts,
 * but keeping each child's pid (the sampler reads /proc/<pid>) and letting the router alone run
 * under extra node flags (a CPU profile). Every child is killed by `killAll` when the run's
 * deadline fires.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '#shared';
import { waitUntilReady } from '../scripts/stack.js';
import { SUBGRAPHS, type SubgraphName } from '../scripts/subgraphs.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export type ServiceName = SubgraphName | 'router';

export interface LoadStackOptions {
  databaseUrl: string;
  /** Runs every service under `node --cpu-prof`, each writing into `<profileDir>/<service>`. */
  profileDir?: string;
  /** Extra environment for every service. */
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

export interface LoadStack {
  readonly urls: Record<ServiceName, string>;
  readonly pids: Record<ServiceName, number>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** The last resort of the hard deadline: SIGKILL to every service still running. */
export function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

function entryOf(name: ServiceName): string {
  return name === 'router'
    ? path.join('router', 'src', 'main.ts')
    : path.join('subgraphs', name, 'src', 'main.ts');
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function launchLoadStack(options: LoadStackOptions): Promise<LoadStack> {
  const names: ServiceName[] = [...SUBGRAPHS.map((s) => s.name), 'router'];
  const ports = {} as Record<ServiceName, number>;
  for (const name of names) ports[name] = await findFreePort();
  const urls = Object.fromEntries(
    names.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`]),
  ) as Record<ServiceName, string>;

  // Quiet services: a log line per request would cost more CPU than the request itself.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    // Its own keys and channels, should the Redis be shared with a running stack.
    REDIS_PREFIX: `moneta:${new URL(options.databaseUrl).pathname.slice(1)}:`,
    ...options.env,
    DATABASE_URL: options.databaseUrl,
    HOST: '127.0.0.1',
    ROUTER_PORT: String(ports.router),
  };
  for (const { name } of SUBGRAPHS) {
    env[`${name.toUpperCase()}_PORT`] = String(ports[name]);
    env[`${name.toUpperCase()}_URL`] = urls[name];
  }

  const children = new Map<ServiceName, ChildProcess>();
  const start = async (name: ServiceName) => {
    const nodeArgs = options.profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(options.profileDir, name)}`]
      : [];
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entryOf(name)], {
      cwd: root,
      env,
      // The IPC channel makes a child shut itself down when this process dies.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.set(name, child);
    live.add(child);
    child.once('exit', () => live.delete(child));

    const readyz = `http://127.0.0.1:${ports[name]}/readyz`;
    await waitUntilReady(readyz, options.readyTimeoutMs ?? 120_000, () => isRunning(child));
  };

  const stop = async () => {
    // Router first, so nothing new reaches the subgraphs while they drain.
    for (const name of [...names].reverse()) {
      const child = children.get(name);
      if (child) await stopChild(child);
    }
  };

  try {
    await Promise.all(SUBGRAPHS.map(({ name }) => start(name)));
    await start('router');
  } catch (error) {
    await stop();
    throw error;
  }

  const pids = Object.fromEntries(
    [...children].map(([name, child]) => [name, child.pid as number]),
  ) as Record<ServiceName, number>;
  return { urls, pids, stop };
}
