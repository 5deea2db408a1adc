import type { BaseContext, EventBus, Knex } from '#shared';
import type { MarketClient, PortfolioClient } from './clients.js';
import type { TradingLoaders } from './loaders.js';
import type { OrderEvents } from './order-events.js';
import type { TradingRepository } from './repository.js';

/** What trading's services need beyond a request: clients, the database, its policy. */
export interface TradingServices {
  readonly db: Knex;
  readonly repository: TradingRepository;
  readonly market: MarketClient;
  readonly portfolios: PortfolioClient;
  /** Signs trading's own identity, acting for a user, for portfolio's internal operations. */
  readonly signAsTrading: (userId: string) => Promise<string>;
  /** Market buys may fill at most this many basis points above the ask seen on acceptance. */
  readonly marketProtectionBps: number;
  /** An order is recorded only if its hold is younger than this; see docs/trading.md. */
  readonly reservationTrustMs: number;
  /** The bus, for subscriptions. */
  readonly events: EventBus;
  /** Announces committed status changes; call it after every one. */
  readonly orderEvents: OrderEvents;
}

export interface TradingContext extends BaseContext, TradingServices {
  readonly loaders: TradingLoaders;
}
