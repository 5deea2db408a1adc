import { runSubgraph, startJobQueue } from '#shared';
import { migrations } from '../migrations/index.js';
import { seedTrading } from '../seeds/index.js';
import { loadTradingConfig } from './config.js';
import { JOBS_SCHEMA } from './execution.js';
import { createTradingTasks } from './jobs.js';
import { startLimitMatcher } from './matcher.js';
import { createTradingServices, startTradingServer } from './server.js';

await runSubgraph({
  name: 'trading',
  loadConfig: () => loadTradingConfig(),
  port: (config) => config.TRADING_PORT,
  migrations,
  seed: (db) => seedTrading(db),
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
    const services = createTradingServices({
      db,
      reader,
      identitySecret: config.INTERNAL_IDENTITY_SECRET,
      marketUrl: config.MARKET_URL,
      portfolioUrl: config.PORTFOLIO_URL,
      marketProtectionBps: config.MARKET_ORDER_PROTECTION_BPS,
      reservationTrustSeconds: config.RESERVATION_TRUST_SECONDS,
      events,
      logger,
    });

    const jobs = await startJobQueue({
      connectionString: databaseUrl,
      schema: JOBS_SCHEMA,
      tasks: createTradingTasks(services, logger),
      concurrency: config.JOB_CONCURRENCY,
      staleLockSeconds: config.JOB_STALE_LOCK_SECONDS,
      pollIntervalMs: config.JOB_POLL_INTERVAL_MS,
      logger,
    });
    onShutdown('job queue', () => jobs.stop());

    const matcher = startLimitMatcher({
      services,
      logger,
      intervalMs: config.LIMIT_MATCH_INTERVAL_MS,
    });
    onShutdown('limit matcher', () => matcher.stop());

    return startTradingServer({
      services,
      logger,
      port,
      metrics,
      entityEvents,
      host: config.HOST,
      identitySecret: config.INTERNAL_IDENTITY_SECRET,
    });
  },
});
