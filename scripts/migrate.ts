/** `npm run migrate`: applies every subgraph's pending migrations to DATABASE_URL (or .data). */
import { createDatabase, createLogger, locateDatabase, migrateToLatest } from '#shared';
import { migrations as advice } from '../subgraphs/advice/migrations/index.js';
import { migrations as market } from '../subgraphs/market/migrations/index.js';
import { migrations as portfolio } from '../subgraphs/portfolio/migrations/index.js';
import { migrations as trading } from '../subgraphs/trading/migrations/index.js';

const logger = createLogger({ service: 'migrate' });
const location = await locateDatabase(
  process.env.DATABASE_URL,
  process.env.DATA_DIR ?? '.data',
  logger,
);
try {
  for (const [schema, list] of Object.entries({ market, portfolio, trading, advice })) {
    const db = createDatabase({ url: location.url, schema });
    try {
      const applied = await migrateToLatest(db, schema, list);
      console.log(`${schema}: ${applied.length ? applied.join(', ') : 'up to date'}`);
    } finally {
      await db.destroy();
    }
  }
} finally {
  await location.release();
}
