import { runSubgraph } from '#shared';
import { migrations } from '../migrations/index.js';
import { seedAdvice } from '../seeds/index.js';
import { loadAdviceConfig } from './config.js';
import { startAdviceServer } from './server.js';

await runSubgraph({
  name: 'advice',
  loadConfig: () => loadAdviceConfig(),
  port: (config) => config.ADVICE_PORT,
  migrations,
  seed: (db) => seedAdvice(db),
  start: ({ db, reader, logger, metrics, config, port, entityEvents }) =>
    startAdviceServer({
      db,
      reader,
      logger,
      port,
      metrics,
      entityEvents,
      host: config.HOST,
      identitySecret: config.INTERNAL_IDENTITY_SECRET,
      marketUrl: config.MARKET_URL,
      marketSummaryTtlMs: config.MARKET_SUMMARY_TTL_MS,
    }),
});
