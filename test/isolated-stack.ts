import { findFreePort, type Knex } from '#shared';
import { launchStack, type RunningStack, type ServiceName } from '../scripts/stack.js';
import { createTestDatabase, dropTestDatabase, openSchema } from './database.js';

export interface IsolatedStack {
  stack: RunningStack;
  databaseUrl: string;
  /** Its Redis keys and channels start with this; more processes joining it need the same. */
  redisPrefix: string;
  open(schema: 'portfolio' | 'trading' | 'market' | 'advice'): Knex;
  stop(): Promise<void>;
}

/**
 * A stack of its own, on its own freshly seeded database, for tests that kill processes or
 * count statements and must not share workers or traffic with the run's common stack.
 */
export async function startIsolatedStack(
  name: string,
  env: NodeJS.ProcessEnv,
  options: { restartOnCrash?: boolean; replicaOfPrimary?: boolean } = {},
): Promise<IsolatedStack> {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_ADMIN_DATABASE_URL is not set: run tests via jest.');
  const database = `${process.env.TEST_DATABASE_NAME}_${name}`;
  const databaseUrl = await createTestDatabase(adminUrl, database);
  const redisPrefix = `moneta:${database}:`;

  const ports: Partial<Record<ServiceName, number>> = {};
  for (const service of ['router', 'portfolio', 'trading', 'market', 'advice'] as const) {
    ports[service] = await findFreePort();
  }

  const opened: Knex[] = [];
  let stopping = false;
  const holder: { stack?: RunningStack } = {};
  const stack = await launchStack({
    databaseUrl,
    ports,
    output: process.env.TEST_STACK_OUTPUT === 'inherit' ? 'inherit' : 'ignore',
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      DATABASE_POOL_MAX: '5',
      REDIS_PREFIX: redisPrefix,
      ...(options.replicaOfPrimary ? { DATABASE_REPLICA_URL: databaseUrl } : {}),
      ...env,
    },
    onUnexpectedExit: (service) => {
      // A supervisor's job: what crashed is started again. A restart that itself dies ends up
      // here once more, so its failure needs no handling of its own.
      if (options.restartOnCrash && !stopping) holder.stack?.start(service).catch(() => {});
    },
  });
  holder.stack = stack;

  return {
    stack,
    databaseUrl,
    redisPrefix,
    open(schema) {
      const db = openSchema(databaseUrl, schema);
      opened.push(db);
      return db;
    },
    async stop() {
      stopping = true;
      await stack.stop();
      await Promise.all(opened.map((db) => db.destroy()));
      await dropTestDatabase(adminUrl, database);
    },
  };
}
