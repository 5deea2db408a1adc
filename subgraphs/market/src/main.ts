import { runSubgraph } from '#shared';
import { migrations } from '../migrations/index.js';
import { seedMarket } from '../seeds/index.js';
import { loadMarketConfig } from './config.js';
import { startMarketServer } from './server.js';

await runSubgraph({
  name: 'market',
  loadConfig: () => loadMarketConfig(),
  port: (config) => config.MARKET_PORT,
  migrations,
  seed: (db) => seedMarket(db),
  start: ({ db, reader, logger, metrics, config, port }) =>
    startMarketServer({
      db,
      reader,
      logger,
      port,
      metrics,
      host: config.HOST,
      identitySecret: config.INTERNAL_IDENTITY_SECRET,
    }),
});
