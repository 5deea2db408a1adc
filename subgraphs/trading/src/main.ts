import { runSubgraph } from '#shared';
import { migrations } from '../migrations/index.js';
import { seedTrading } from '../seeds/index.js';
import { loadTradingConfig } from './config.js';
import { startTradingServer } from './server.js';

await runSubgraph({
  name: 'trading',
  loadConfig: () => loadTradingConfig(),
  port: (config) => config.TRADING_PORT,
  migrations,
  seed: (db) => seedTrading(db),
  start: ({ db, logger, config, port }) =>
    startTradingServer({
      db,
      logger,
      port,
      host: config.HOST,
      identitySecret: config.INTERNAL_IDENTITY_SECRET,
      marketUrl: config.MARKET_URL,
      portfolioUrl: config.PORTFOLIO_URL,
    }),
});
