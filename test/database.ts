import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { createDatabase, migrateToLatest, startEmbeddedPostgres, type Knex } from '#shared';
import { migrations as adviceMigrations } from '../subgraphs/advice/migrations/index.js';
import { seedAdvice } from '../subgraphs/advice/seeds/index.js';
import { migrations as marketMigrations } from '../subgraphs/market/migrations/index.js';
import { seedMarket } from '../subgraphs/market/seeds/index.js';
import { migrations as portfolioMigrations } from '../subgraphs/portfolio/migrations/index.js';
import { seedPortfolio } from '../subgraphs/portfolio/seeds/index.js';
import { migrations as tradingMigrations } from '../subgraphs/trading/migrations/index.js';
import { seedTrading } from '../subgraphs/trading/seeds/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export const SCHEMAS = [
  { schema: 'market', migrations: marketMigrations, seed: seedMarket },
  { schema: 'portfolio', migrations: portfolioMigrations, seed: seedPortfolio },
  { schema: 'trading', migrations: tradingMigrations, seed: seedTrading },
  { schema: 'advice', migrations: adviceMigrations, seed: seedAdvice },
] as const;

export interface TestDatabaseServer {
  /** URL of a maintenance database on the server, for creating and dropping test databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

/** DATABASE_URL's server when set (CI uses the machine's PostgreSQL), else an embedded one. */
export async function startTestDatabaseServer(): Promise<TestDatabaseServer> {
  if (process.env.DATABASE_URL) {
    return { adminUrl: process.env.DATABASE_URL, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(root, '.data', 'test-postgres'),
  });
  return { adminUrl: embedded.url, stop: embedded.stop };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates a fresh database for this run, migrated and seeded like a first `npm start`. */
export async function createTestDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  try {
    await admin.raw('drop database if exists ??', [name]);
    await admin.raw('create database ??', [name]);
  } finally {
    await admin.destroy();
  }

  const url = withDatabase(adminUrl, name);
  for (const { schema, migrations, seed } of SCHEMAS) {
    const db = createDatabase({ url, schema });
    try {
      await migrateToLatest(db, schema, migrations);
      await seed(db);
    } finally {
      await db.destroy();
    }
  }
  return url;
}

export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  try {
    await admin.raw('drop database if exists ?? with (force)', [name]);
  } finally {
    await admin.destroy();
  }
}

export function openSchema(url: string, schema: string): Knex {
  return createDatabase({ url, schema, poolMax: 5 });
}
