/**
 * The response cache's policy, in one reviewed place. Owners of a subgraph change it in the
 * same pull request that changes what their data means.
 *
 * Scope is deny-by-default: an operation is shared by all users only when every field it
 * selects is listed as public below; any other operation is cached per user. TTLs are in
 * milliseconds; an answer lives as long as the shortest TTL of anything it shows.
 */
export const cachePolicy = {
  /** Types whose fields are the same for every user, unless listed in `privateFields`. */
  publicTypes: [
    'Instrument',
    'Quote',
    'DailyBar',
    'InstrumentConnection',
    'PageInfo',
    'FxRate',
    'MarketSummary',
    'AssetClassMove',
    'InstrumentMove',
    'QuoteTick',
  ],
  /** Root fields that answer the same for every user. */
  publicRootFields: [
    'Query.marketSummary',
    'Query.instrument',
    'Query.instruments',
    'Query.instrumentsByIds',
    'Query.searchInstruments',
    'Query.fxRates',
    'Subscription.quotes',
  ],
  /** Fields of public types whose value depends on who asks. */
  privateFields: ['Instrument.heldQuantity'],

  ttlMs: {
    // Prices move every tick; a second is what a screen refresh can tell apart.
    Quote: 1_000,
    'Instrument.quote': 1_000,
    'Instrument.priceHistory': 60 * 60_000,
    Instrument: 3 * 60 * 60_000,
    FxRate: 60_000,
    MarketSummary: 60 * 60_000,
    // Private views: invalidated by mutations and by subgraph events, so the TTL only bounds
    // how long a missed event could show an old figure.
    User: 30_000,
    Portfolio: 30_000,
    Order: 30_000,
    Advice: 60_000,
  } as Record<string, number>,
  /** For an answer that shows nothing with a TTL of its own. */
  defaultTtlMs: 30_000,

  /**
   * Entities a mutation changes that its answer may not show, from its arguments: a placed
   * order holds cash in its portfolio.
   */
  mutationEffects: {
    placeOrder: (args: Record<string, unknown>) => {
      const input = args.input as { portfolioId?: unknown } | undefined;
      return typeof input?.portfolioId === 'string'
        ? [{ typename: 'Portfolio', id: input.portfolioId }]
        : [];
    },
    cancelOrder: (args: Record<string, unknown>) =>
      typeof args.id === 'string' ? [{ typename: 'Order', id: args.id }] : [],
  } as Record<string, (args: Record<string, unknown>) => { typename: string; id: string }[]>,
};

export type CachePolicy = typeof cachePolicy;
