import { runSubgraph } from '#shared';
import { migrations } from '../migrations/index.js';
import { seedPortfolio } from '../seeds/index.js';
import { loadPortfolioConfig } from './config.js';
import { startPortfolioServer } from './server.js';

await runSubgraph({
  name: 'portfolio',
  loadConfig: () => loadPortfolioConfig(),
  port: (config) => config.PORTFOLIO_PORT,
  migrations,
  seed: (db) => seedPortfolio(db),
  start: ({ db, logger, config, port }) =>
    startPortfolioServer({
      db,
      logger,
      port,
      host: config.HOST,
      identitySecret: config.INTERNAL_IDENTITY_SECRET,
      marketUrl: config.MARKET_URL,
    }),
});
