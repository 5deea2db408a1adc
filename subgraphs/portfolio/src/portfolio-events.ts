import { publishEntityChanges, type EventBus, type Logger } from '#shared';

/**
 * Announces, after commit, that portfolios' cash, holdings or buying power changed: routers
 * drop cached answers showing them, and live valuations recompute. A lost message only delays
 * a screen; the change itself is committed.
 */
export async function announcePortfolioChanges(
  events: EventBus,
  portfolioIds: readonly string[],
  logger: Logger,
): Promise<void> {
  try {
    await publishEntityChanges(
      events,
      'portfolio',
      [...new Set(portfolioIds)].map((id) => ({ typename: 'Portfolio', id })),
    );
  } catch (error) {
    logger.warn({ err: error, portfolioIds }, 'could not announce portfolio changes');
  }
}
