import {
  createGraphQLClient,
  type EventBus,
  type IdentitySigner,
  type Knex,
  type Logger,
} from '#shared';
import { announcePortfolioChanges } from './portfolio-events.js';
import { releaseReservation, staleOpenReservations } from './reservations.js';

export interface ReservationSweeperOptions {
  db: Knex;
  tradingUrl: string;
  signIdentity: IdentitySigner;
  logger: Logger;
  /** Where freed buying power is announced. */
  events: EventBus;
  /** A hold this old whose order trading does not know, or knows as ended, is released. */
  orphanAgeSeconds?: number;
  intervalMs?: number;
}

const STATES = /* GraphQL */ `
  query PortfolioOrderStates($ids: [ID!]!) {
    orderStates(ids: $ids) {
      id
      status
    }
  }
`;

const ENDED = new Set(['FILLED', 'CANCELLED', 'REJECTED']);

/**
 * Releases holds that no live order needs: left behind when trading crashed between making a
 * hold and recording its order, or when a release message was lost. Trading never records an
 * order whose hold is older than a minute, so a hold this sweep releases cannot gain one later.
 */
export function startReservationSweeper(options: ReservationSweeperOptions) {
  const { db, logger, orphanAgeSeconds = 120, intervalMs = 30_000 } = options;
  const trading = createGraphQLClient({ url: options.tradingUrl, service: 'trading' });
  const log = logger.child({ component: 'reservation-sweeper' });

  async function sweep(): Promise<void> {
    const stale = await staleOpenReservations(db, orphanAgeSeconds);
    if (stale.length === 0) return;

    const token = await options.signIdentity({ userId: 'system', service: 'portfolio' });
    const { data } = await trading<{ orderStates: { id: string; status: string }[] }>(
      STATES,
      { ids: stale },
      { identityToken: token },
    );
    const known = new Map(data.orderStates.map((order) => [order.id, order.status]));
    const freed: string[] = [];
    for (const orderId of stale) {
      const status = known.get(orderId);
      if (status !== undefined && !ENDED.has(status)) continue;
      const portfolioId = await releaseReservation(db, orderId);
      if (!portfolioId) continue;
      freed.push(portfolioId);
      log.warn({ orderId, status: status ?? 'unknown' }, 'released an orphaned hold');
    }
    await announcePortfolioChanges(options.events, freed, log);
  }

  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= sweep()
      .catch((error: unknown) => log.warn({ err: error }, 'hold sweep failed; will retry'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
