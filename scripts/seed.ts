/**
 * `npm run seed [-- --users N]`: demo data into empty schemas and, with --users, N generated
 * load-test users (loadtest-000001 ...; at most 100 000). Re-running only adds what is missing.
 */
import { parseArgs } from 'node:util';
import { createDatabase, createLogger, locateDatabase, migrateToLatest } from '#shared';
import { migrations as adviceMigrations } from '../subgraphs/advice/migrations/index.js';
import { seedAdvice } from '../subgraphs/advice/seeds/index.js';
import { migrations as marketMigrations } from '../subgraphs/market/migrations/index.js';
import { seedMarket } from '../subgraphs/market/seeds/index.js';
import { migrations as portfolioMigrations } from '../subgraphs/portfolio/migrations/index.js';
import { seedGeneratedUsers, seedPortfolio } from '../subgraphs/portfolio/seeds/index.js';
import { migrations as tradingMigrations } from '../subgraphs/trading/migrations/index.js';
import { seedTrading } from '../subgraphs/trading/seeds/index.js';

const MAX_USERS = 100_000;
const { values } = parseArgs({ options: { users: { type: 'string', default: '0' } } });
const users = Number(values.users);
if (!Number.isInteger(users) || users < 0 || users > MAX_USERS) {
  console.error(`--users must be a whole number from 0 to ${MAX_USERS}; got "${values.users}".`);
  process.exit(2);
}

const logger = createLogger({ service: 'seed' });
const location = await locateDatabase(
  process.env.DATABASE_URL,
  process.env.DATA_DIR ?? '.data',
  logger,
);
const steps = [
  { schema: 'market', migrations: marketMigrations, seed: seedMarket },
  { schema: 'portfolio', migrations: portfolioMigrations, seed: seedPortfolio },
  { schema: 'trading', migrations: tradingMigrations, seed: seedTrading },
  { schema: 'advice', migrations: adviceMigrations, seed: seedAdvice },
];

try {
  for (const { schema, migrations, seed } of steps) {
    const db = createDatabase({ url: location.url, schema });
    try {
      await migrateToLatest(db, schema, migrations);
      console.log(`${schema}: ${(await seed(db)) ? 'demo data seeded' : 'already seeded'}`);
      if (schema === 'portfolio' && users > 0) {
        const started = Date.now();
        const added = await seedGeneratedUsers(db, users);
        console.log(`portfolio: ${added} generated users added in ${Date.now() - started} ms`);
      }
    } finally {
      await db.destroy();
    }
  }
} finally {
  await location.release();
}
