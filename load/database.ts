/**
 * A database of the run's own: created on DATABASE_URL's server (or an embedded PostgreSQL when
 * none is set), migrated and seeded like a first `npm start`, plus N generated users; dropped
 * when the run ends, so runs never see each other's orders.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { createDatabase, migrateToLatest, type Knex } from '#shared';
import { migrations as adviceMigrations } from '../subgraphs/advice/migrations/index.js';
import { seedAdvice } from '../subgraphs/advice/seeds/index.js';
import { migrations as marketMigrations } from '../subgraphs/market/migrations/index.js';
import { seedMarket } from '../subgraphs/market/seeds/index.js';
import { migrations as portfolioMigrations } from '../subgraphs/portfolio/migrations/index.js';
import { seedGeneratedUsers, seedPortfolio } from '../subgraphs/portfolio/seeds/index.js';
import { migrations as tradingMigrations } from '../subgraphs/trading/migrations/index.js';
import { seedTrading } from '../subgraphs/trading/seeds/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

const SCHEMAS = [
  { schema: 'market', migrations: marketMigrations, seed: seedMarket },
  { schema: 'portfolio', migrations: portfolioMigrations, seed: seedPortfolio },
  { schema: 'trading', migrations: tradingMigrations, seed: seedTrading },
  { schema: 'advice', migrations: adviceMigrations, seed: seedAdvice },
] as const;

export interface RunDatabase {
  readonly url: string;
  readonly name: string;
  /** Drops the database and stops the embedded server, if one was started. */
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * The embedded server runs in a process group of its own (scripts/embedded-db.ts) and stops
 * when this process goes away, however it goes: a hard deadline cannot leave it behind.
 */
function startEmbeddedServer(): Promise<{ url: string; child: ChildProcess }> {
  const dataDir = path.join(root, '.data', 'load-postgres');
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/embedded-db.ts', dataDir], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { url?: string }) => {
      if (message.url) resolve({ url: message.url, child });
    });
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code})`)));
  });
}

async function stopEmbeddedServer(child: ChildProcess): Promise<void> {
  if (!child.connected) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
}

async function adminQuery(adminUrl: string, run: (admin: Knex) => Promise<unknown>) {
  const admin = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  try {
    await run(admin);
  } finally {
    await admin.destroy();
  }
}

export async function createRunDatabase(users: number): Promise<RunDatabase> {
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedServer();
  const adminUrl = process.env.DATABASE_URL ?? (embedded?.url as string);
  const name = `moneta_load_${process.pid}`;

  await adminQuery(adminUrl, async (admin) => {
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.raw('create database ??', [name]);
  });
  const url = withDatabase(adminUrl, name);

  const drop = async () => {
    await adminQuery(adminUrl, (admin) =>
      admin.raw('drop database if exists ?? with (force)', [name]),
    );
    if (embedded) await stopEmbeddedServer(embedded.child);
  };

  try {
    for (const { schema, migrations, seed } of SCHEMAS) {
      const db = createDatabase({ url, schema });
      try {
        await migrateToLatest(db, schema, migrations);
        await seed(db);
        if (schema === 'portfolio') await seedGeneratedUsers(db, users);
      } finally {
        await db.destroy();
      }
    }
  } catch (error) {
    await drop();
    throw error;
  }
  return { url, name, drop };
}
