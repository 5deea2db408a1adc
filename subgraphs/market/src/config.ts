import { envInt, envPort, loadConfig, subgraphEnvironment, type Environment } from '#shared';
import { z } from 'zod';

const symbolList = z
  .string()
  .optional()
  .transform((value) => {
    const symbols = (value ?? '')
      .split(',')
      .map((symbol) => symbol.trim())
      .filter(Boolean);
    return symbols.length > 0 ? symbols : undefined;
  });

export function loadMarketConfig(env: Environment = process.env) {
  const config = loadConfig(
    {
      ...subgraphEnvironment,
      MARKET_PORT: envPort(4003),
      // Unset means on, except under NODE_ENV=test, whose tests set the quotes they need.
      MARKET_FEED: z.enum(['simulator', 'off']).optional(),
      MARKET_FEED_SEED: z.string().min(1).default('moneta'),
      MARKET_TICKS_PER_SECOND: envInt(4, 1).pipe(z.number().max(50)),
      MARKET_FEED_GROUPS: envInt(5, 1).pipe(z.number().max(50)),
      MARKET_FEED_TIME_SCALE: envInt(60, 1),
      MARKET_FEED_SYMBOLS: symbolList,
    },
    env,
  );
  const feed = config.MARKET_FEED ?? (config.NODE_ENV === 'test' ? 'off' : 'simulator');
  return Object.freeze({ ...config, MARKET_FEED: feed });
}

export type MarketConfig = ReturnType<typeof loadMarketConfig>;
