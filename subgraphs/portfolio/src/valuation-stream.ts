import {
  createEventQueue,
  ENTITY_CHANGED_CHANNEL,
  isEntityChangedMessage,
  isQuotesMessage,
  QUOTES_CHANNEL,
  type EventBus,
  type EventQueue,
  type GraphQLClient,
  type Knex,
  type Logger,
} from '#shared';
import { createMarketPriceLoader } from './market-client.js';
import type { MarketPrice, Portfolio } from './model.js';
import { createPortfolioRepository } from './repository.js';
import { valuePortfolio, type Valuation } from './valuation.js';

/** One computed valuation, shared by every subscriber of the portfolio. */
export interface ValuationSnapshot {
  portfolio: Portfolio;
  valuation: Valuation;
}

export interface ValuationStreamsOptions {
  /** The primary: a valuation that follows a trade must not read a lagging replica. */
  db: Knex;
  events: EventBus;
  market: GraphQLClient;
  logger: Logger;
  /** Shortest time between two valuations of one portfolio. Default 1 000 ms. */
  minIntervalMs?: number;
  /**
   * Re-value every watched portfolio this often even when no message says so. The in-process
   * bus carries no other process's messages, market's ticks included, so without Redis this
   * is how valuations follow prices. Off by default.
   */
  pollMs?: number;
}

type Event = { portfolioValuation: ValuationSnapshot };

interface Watched {
  portfolioId: string;
  subscribers: Set<EventQueue<Event>>;
  instrumentIds: Set<string>;
  latest?: ValuationSnapshot;
  lastStartedAt: number;
  timer?: NodeJS.Timeout;
  computing?: Promise<void>;
  /** Something changed while computing: compute again once allowed. */
  stale: boolean;
}

/**
 * Live valuations. Each watched portfolio is valued once per change, whatever the number of
 * subscribers, and at most once per `minIntervalMs`: a burst of ticks and ledger changes
 * collapses into one valuation at the end of the interval. Ticks wake only the portfolios that
 * hold the ticking instruments.
 */
export function createValuationStreams(options: ValuationStreamsOptions) {
  const { events, market, minIntervalMs = 1_000 } = options;
  const log = options.logger.child({ component: 'valuation-streams' });
  const repository = createPortfolioRepository(options.db);
  const watched = new Map<string, Watched>();
  const holders = new Map<string, Set<string>>();

  function setInstruments(entry: Watched, instrumentIds: Set<string>) {
    for (const id of entry.instrumentIds) holders.get(id)?.delete(entry.portfolioId);
    entry.instrumentIds = instrumentIds;
    for (const id of instrumentIds) {
      const set = holders.get(id) ?? new Set<string>();
      set.add(entry.portfolioId);
      holders.set(id, set);
    }
  }

  async function value(entry: Watched): Promise<ValuationSnapshot | undefined> {
    const [portfolio] = await repository.portfoliosByIds([entry.portfolioId]);
    if (!portfolio) return undefined;
    const holdings = await repository.holdingsByPortfolioIds([portfolio.id]);
    setInstruments(entry, new Set(holdings.map((holding) => holding.instrumentId)));

    const loader = createMarketPriceLoader(market, `valuation:${portfolio.id}`);
    const prices = new Map<string, MarketPrice>();
    for (const quote of await loader.prices.loadMany(holdings.map((h) => h.instrumentId))) {
      if (quote instanceof Error) throw quote;
      if (quote) prices.set(quote.instrumentId, quote);
    }
    return { portfolio, valuation: valuePortfolio(portfolio, holdings, prices, loader.fx) };
  }

  function compute(entry: Watched) {
    entry.timer = undefined;
    entry.stale = false;
    entry.lastStartedAt = Date.now();
    entry.computing = value(entry)
      .then((snapshot) => {
        if (!snapshot || watched.get(entry.portfolioId) !== entry) return;
        // Subscribers hear of changes only, however the re-valuation was triggered.
        if (entry.latest && JSON.stringify(entry.latest) === JSON.stringify(snapshot)) return;
        entry.latest = snapshot;
        for (const subscriber of entry.subscribers) {
          subscriber.push({ portfolioValuation: snapshot });
        }
      })
      .catch((error: unknown) => {
        // Market may be briefly away; the next change or tick tries again.
        log.warn({ err: error, portfolioId: entry.portfolioId }, 'valuation failed');
      })
      .finally(() => {
        entry.computing = undefined;
        if (entry.stale) schedule(entry);
      });
  }

  function schedule(entry: Watched) {
    if (watched.get(entry.portfolioId) !== entry) return;
    if (entry.computing) {
      entry.stale = true;
      return;
    }
    if (entry.timer) return;
    const wait = Math.max(0, entry.lastStartedAt + minIntervalMs - Date.now());
    entry.timer = setTimeout(() => compute(entry), wait);
    entry.timer.unref();
  }

  const stopQuotes = events.subscribe(QUOTES_CHANNEL, (message) => {
    if (!isQuotesMessage(message)) return;
    const woken = new Set<string>();
    for (const tick of message.ticks) {
      for (const portfolioId of holders.get(tick.instrumentId) ?? []) woken.add(portfolioId);
    }
    for (const portfolioId of woken) {
      const entry = watched.get(portfolioId);
      if (entry) schedule(entry);
    }
  });

  const stopChanges = events.subscribe(ENTITY_CHANGED_CHANNEL, (message) => {
    if (!isEntityChangedMessage(message)) return;
    for (const change of message.changes) {
      const entry = change.typename === 'Portfolio' ? watched.get(change.id) : undefined;
      if (entry) schedule(entry);
    }
  });

  // Messages may have been missed while the bus was away: every valuation may be out of date.
  const stopResync = events.onResync(() => {
    for (const entry of watched.values()) schedule(entry);
  });

  const poll =
    options.pollMs === undefined
      ? undefined
      : setInterval(() => {
          for (const entry of watched.values()) schedule(entry);
        }, options.pollMs);
  poll?.unref();

  function unwatch(entry: Watched, subscriber: EventQueue<Event>) {
    entry.subscribers.delete(subscriber);
    if (entry.subscribers.size > 0 || watched.get(entry.portfolioId) !== entry) return;
    watched.delete(entry.portfolioId);
    clearTimeout(entry.timer);
    setInstruments(entry, new Set());
  }

  return {
    /**
     * A stream of the portfolio's valuations, starting with the current one. The caller has
     * checked that the subscriber owns the portfolio.
     */
    subscribe(
      portfolioId: string,
      onDeliver?: (event: Event) => void,
    ): AsyncIterableIterator<Event> {
      let entry = watched.get(portfolioId);
      const isNew = !entry;
      if (!entry) {
        entry = {
          portfolioId,
          subscribers: new Set(),
          instrumentIds: new Set(),
          lastStartedAt: 0,
          stale: false,
        };
        watched.set(portfolioId, entry);
      }

      const owner = entry;
      const subscriber = createEventQueue<Event>({
        maxBuffered: 10,
        onDeliver,
        onClose: () => unwatch(owner, subscriber),
      });
      entry.subscribers.add(subscriber);

      if (isNew) compute(entry);
      else if (entry.latest) subscriber.push({ portfolioValuation: entry.latest });
      return subscriber.iterator;
    },

    /** Portfolios being watched, for tests and metrics. */
    get watching() {
      return watched.size;
    },

    close() {
      clearInterval(poll);
      stopQuotes();
      stopChanges();
      stopResync();
      for (const entry of watched.values()) {
        clearTimeout(entry.timer);
        for (const subscriber of entry.subscribers) subscriber.end();
      }
      watched.clear();
      holders.clear();
    },
  };
}

export type ValuationStreams = ReturnType<typeof createValuationStreams>;
