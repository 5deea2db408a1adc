import { QUOTES_CHANNEL, type EventBus, type Knex, type Logger, type QuotesMessage } from '#shared';
import { startLeaderLock } from './leader-lock.js';
import type { PriceFeed, PriceTick } from './price-feed.js';
import { writeTicks } from './quote-writer.js';
import { createSimulatorFeed } from './simulator-feed.js';

export type { PriceFeed, PriceTick, TickSink } from './price-feed.js';
export { createGbmSimulator, ANNUAL_VOLATILITY, PRICE_PLACES } from './gbm-simulator.js';

export interface MarketFeedOptions {
  db: Knex;
  /** For the leader lock's own connection. */
  databaseUrl: string;
  events: EventBus;
  logger: Logger;
  seed: string;
  ticksPerSecond: number;
  /** Interleaved groups of instruments, each its own batch (see `createSimulatorFeed`). */
  groups?: number;
  timeScale: number;
  symbols?: readonly string[] | undefined;
}

export function toQuotesMessage(ticks: readonly PriceTick[]): QuotesMessage {
  return {
    ticks: ticks.map((tick) => ({
      symbol: tick.symbol,
      instrumentId: tick.instrumentId,
      price: tick.price,
      bid: tick.bid,
      ask: tick.ask,
      previousClose: tick.previousClose,
      asOf: tick.asOf.toISOString(),
    })),
  };
}

/**
 * Runs the price feed on exactly one market instance: the holder of the feed's leader lock.
 * Each batch is stored first and published after, so a subscriber that reacts to a tick by
 * reading quotes sees at least that tick. Every instance, leader or not, serves subscriptions
 * from the bus.
 */
export function startMarketFeed(options: MarketFeedOptions) {
  const feed: PriceFeed = createSimulatorFeed(options);
  const sink = async (ticks: readonly PriceTick[]) => {
    await writeTicks(options.db, ticks);
    await options.events.publish(QUOTES_CHANNEL, toQuotesMessage(ticks));
  };

  const lock = startLeaderLock({
    connectionString: options.databaseUrl,
    name: 'market-price-feed',
    logger: options.logger,
    onLead: () => feed.start(sink),
    onFollow: () => feed.stop(),
  });

  return {
    get isLeader() {
      return lock.isLeader;
    },
    stop: () => lock.stop(),
  };
}
