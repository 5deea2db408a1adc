import { runSubgraph } from '#shared';
import { migrations } from '../migrations/index.js';
import { seedMarket } from '../seeds/index.js';
import { loadMarketConfig } from './config.js';
import { startMarketFeed } from './feed/index.js';
import { startMarketServer } from './server.js';

await runSubgraph({
  name: 'market',
  loadConfig: () => loadMarketConfig(),
  port: (config) => config.MARKET_PORT,
  migrations,
  seed: (db) => seedMarket(db),
  async start({
    db,
    reader,
    databaseUrl,
    logger,
    metrics,
    events,
    config,
    port,
    onShutdown,
    entityEvents,
  }) {
    if (config.MARKET_FEED === 'simulator') {
      const feed = startMarketFeed({
        db,
        databaseUrl,
        events,
        logger,
        seed: config.MARKET_FEED_SEED,
        ticksPerSecond: config.MARKET_TICKS_PER_SECOND,
        groups: config.MARKET_FEED_GROUPS,
        timeScale: config.MARKET_FEED_TIME_SCALE,
        symbols: config.MARKET_FEED_SYMBOLS,
      });
      onShutdown('price feed', () => feed.stop());
    }

    return startMarketServer({
      db,
      reader,
      logger,
      port,
      metrics,
      entityEvents,
      events,
      host: config.HOST,
      identitySecret: config.INTERNAL_IDENTITY_SECRET,
    });
  },
});
