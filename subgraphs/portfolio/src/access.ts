import { forbidden, notFound, unauthenticated, type Identity } from '#shared';
import type { PortfolioContext } from './context.js';
import type { Portfolio } from './model.js';

export function requireIdentity(context: PortfolioContext, what: string): Identity {
  if (!context.identity) throw unauthenticated(what);
  return context.identity;
}

/**
 * Loads a portfolio for the signed-in user. Another user's portfolio is refused the same way
 * whether it is asked for directly or reached through a federated reference.
 */
export async function loadOwnedPortfolio(
  context: PortfolioContext,
  id: string,
): Promise<Portfolio> {
  const identity = requireIdentity(context, 'a portfolio');
  const portfolio = await context.loaders.portfolioById.load(id);
  if (!portfolio) throw notFound('portfolio', id);
  if (portfolio.userId !== identity.userId) {
    context.log.info({ portfolioId: id }, "refused access to another user's portfolio");
    throw forbidden(`Portfolio "${id}" belongs to another user.`);
  }
  return portfolio;
}

/** Internal operations answer only to a named service acting for a user, never to the router. */
export function requireService(context: PortfolioContext, service: string): Identity {
  const identity = context.identity;
  if (!identity || identity.service !== service) {
    throw forbidden(`Only the ${service} service may call this operation.`);
  }
  return identity;
}
