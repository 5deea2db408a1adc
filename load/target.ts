/**
 * What a run drives: a stack given by `--url`, or one this tool starts on a database of its
 * own with N generated users, and stops and drops when the run ends.
 */
import { SUBGRAPHS, type SubgraphName } from '../scripts/subgraphs.js';
import { createRunDatabase, type RunDatabase } from './database.js';
import { launchLoadStack, type LoadStack } from './stack.js';
import { createLoadUsers, type LoadUser } from './users.js';

export interface TargetOptions {
  /** The router's /graphql on loopback; when unset a stack is started. */
  url?: string;
  /** For an external stack: the database its subgraphs use, for scenarios that verify. */
  databaseUrl?: string;
  users: number;
  /** With a started stack: every service's CPU profile goes to `<profileDir>/<service>`. */
  profileDir?: string;
  log: (line: string) => void;
}

export interface Target {
  readonly routerUrl: string;
  readonly subgraphUrls: Record<SubgraphName, string>;
  readonly databaseUrl: string | undefined;
  /** Pids of the processes this tool started, by service name; empty for an external stack. */
  readonly pids: Readonly<Record<string, number>>;
  readonly users: readonly LoadUser[];
  close(): Promise<void>;
}

/** Refuses anything but loopback: a load run must never leave the machine. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(`--url must point at loopback (127.0.0.1, localhost, ::1); got "${host}".`);
  }
}

function defaultSubgraphUrls(): Record<SubgraphName, string> {
  return Object.fromEntries(
    SUBGRAPHS.map(({ name, port }) => [name, `http://127.0.0.1:${port}/graphql`]),
  ) as Record<SubgraphName, string>;
}

export async function openTarget(options: TargetOptions): Promise<Target> {
  const users = await createLoadUsers({ count: options.users });

  if (options.url) {
    assertLoopback(options.url);
    options.log(`target: external stack at ${options.url} (users must be seeded already)`);
    return {
      routerUrl: options.url,
      subgraphUrls: defaultSubgraphUrls(),
      databaseUrl: options.databaseUrl,
      pids: {},
      users,
      close: async () => {},
    };
  }

  const started = Date.now();
  options.log(`preparing a database with ${options.users} generated users ...`);
  const database: RunDatabase = await createRunDatabase(options.users);
  let stack: LoadStack;
  try {
    options.log(`database ${database.name} ready; starting the stack ...`);
    stack = await launchLoadStack({
      databaseUrl: database.url,
      profileDir: options.profileDir,
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  options.log(`stack ready at ${stack.urls.router} in ${Date.now() - started} ms`);

  return {
    routerUrl: stack.urls.router,
    subgraphUrls: stack.urls,
    databaseUrl: database.url,
    pids: stack.pids,
    users,
    close: async () => {
      await stack.stop();
      await database.drop();
    },
  };
}
