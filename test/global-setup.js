// Jest loads global setup with Node's own loader, outside its transform; tsx loads the TypeScript.
import { tsImport } from 'tsx/esm/api';

/**
 * One database, freshly migrated and seeded, and one real stack (four subgraphs and the router,
 * each its own process) for the whole run. Test files reach them through TEST_* variables.
 */
export default async function globalSetup() {
  const { createTestDatabase, startTestDatabaseServer } = await tsImport(
    './database.ts',
    import.meta.url,
  );
  const { launchStack } = await tsImport('../scripts/stack.ts', import.meta.url);
  const { findFreePort } = await tsImport('../shared/src/embedded-postgres.ts', import.meta.url);

  const server = await startTestDatabaseServer();
  globalThis.__MONETA_TEST_DB_SERVER__ = server;
  const name = `moneta_test_${process.pid}`;
  const url = await createTestDatabase(server.adminUrl, name);
  process.env.TEST_DATABASE_URL = url;
  process.env.TEST_DATABASE_NAME = name;
  process.env.TEST_ADMIN_DATABASE_URL = server.adminUrl;
  // The stacks of concurrent runs (and of isolated tests) may share one Redis: each keeps to its
  // own keys and channels.
  process.env.TEST_REDIS_PREFIX = `moneta:${name}:`;

  const ports = {};
  for (const service of ['router', 'portfolio', 'trading', 'market', 'advice']) {
    ports[service] = await findFreePort();
  }
  const stack = await launchStack({
    databaseUrl: url,
    ports,
    output: process.env.TEST_STACK_OUTPUT === 'inherit' ? 'inherit' : 'ignore',
    // No price feed: tests set the quotes they need; live-update tests start their own stack.
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      DATABASE_POOL_MAX: '5',
      MARKET_FEED: 'off',
      REDIS_PREFIX: process.env.TEST_REDIS_PREFIX,
    },
  });
  globalThis.__MONETA_TEST_STACK__ = stack;
  for (const [service, serviceUrl] of Object.entries(stack.urls)) {
    process.env[`TEST_${service.toUpperCase()}_URL`] = serviceUrl;
  }
}
