import { createIdentitySigner, runSubgraph } from '#shared';
import { migrations } from '../migrations/index.js';
import { seedPortfolio } from '../seeds/index.js';
import { loadPortfolioConfig } from './config.js';
import { startReservationSweeper } from './reservation-sweeper.js';
import { startPortfolioServer } from './server.js';

await runSubgraph({
  name: 'portfolio',
  loadConfig: () => loadPortfolioConfig(),
  port: (config) => config.PORTFOLIO_PORT,
  migrations,
  seed: (db) => seedPortfolio(db),
  start({ db, reader, logger, metrics, events, config, port, onShutdown, entityEvents }) {
    const sweeper = startReservationSweeper({
      db,
      logger,
      events,
      tradingUrl: config.TRADING_URL,
      signIdentity: createIdentitySigner({ secret: config.INTERNAL_IDENTITY_SECRET }),
      orphanAgeSeconds: config.RESERVATION_ORPHAN_SECONDS,
      intervalMs: config.RESERVATION_SWEEP_INTERVAL_MS,
    });
    onShutdown('reservation sweeper', () => sweeper.stop());

    return startPortfolioServer({
      db,
      reader,
      logger,
      port,
      metrics,
      entityEvents,
      host: config.HOST,
      identitySecret: config.INTERNAL_IDENTITY_SECRET,
      marketUrl: config.MARKET_URL,
      events,
      redisUrl: config.REDIS_URL,
      redisPrefix: config.REDIS_PREFIX,
      performanceTtlSeconds: config.PERFORMANCE_CACHE_TTL_SECONDS,
    });
  },
});
