import { randomUUID } from 'node:crypto';
import { isUuid, type Identity } from '#shared';
import type { TradingContext } from './context.js';
import type { Order, PlaceOrderInput, UserError } from './model.js';
import { sameOrderRequest, validatePlaceOrderInput } from './validation.js';

export interface OrderPayload {
  order: Order | null;
  userErrors: UserError[];
}

const rejected = (...userErrors: UserError[]): OrderPayload => ({ order: null, userErrors });

/**
 * Validates and records an order. A retried request with the same idempotency key gets the
 * original order back, whatever has changed since; the same key with a different order is an
 * error rather than a silent second trade.
 */
export async function placeOrder(
  context: TradingContext,
  identity: Identity,
  input: PlaceOrderInput,
): Promise<OrderPayload> {
  const key = input.idempotencyKey ?? undefined;
  if (key !== undefined) {
    const existing = await context.repository.orderByIdempotencyKey(identity.userId, key);
    if (existing) return replay(input, existing);
  }

  const inputErrors = validatePlaceOrderInput(input);
  if (inputErrors.length > 0) return rejected(...inputErrors);

  const call = { requestId: context.requestId, identityToken: context.identityToken };
  const [instrument, access] = await Promise.all([
    isUuid(input.instrumentId) ? context.market(input.instrumentId, call) : null,
    isUuid(input.portfolioId) ? context.portfolios(input.portfolioId, call) : 'NOT_FOUND',
  ]);

  const problems: UserError[] = [];
  if (access === 'NOT_FOUND') {
    problems.push({
      code: 'UNKNOWN_PORTFOLIO',
      field: ['input', 'portfolioId'],
      message: `No portfolio has id "${input.portfolioId}".`,
    });
  } else if (access === 'FORBIDDEN') {
    problems.push({
      code: 'PORTFOLIO_FORBIDDEN',
      field: ['input', 'portfolioId'],
      message: `Portfolio "${input.portfolioId}" belongs to another user.`,
    });
  }
  if (!instrument) {
    problems.push({
      code: 'UNKNOWN_INSTRUMENT',
      field: ['input', 'instrumentId'],
      message: `No instrument has id "${input.instrumentId}".`,
    });
  } else if (!instrument.tradable) {
    problems.push({
      code: 'INSTRUMENT_NOT_TRADABLE',
      field: ['input', 'instrumentId'],
      message: `Instrument "${input.instrumentId}" is not tradable at the moment.`,
    });
  }
  if (problems.length > 0) return rejected(...problems);

  const order = await context.repository.insertAcceptedOrder(randomUUID(), identity.userId, input);
  if (order) {
    context.log.info({ orderId: order.id, portfolioId: order.portfolioId }, 'order accepted');
    return { order, userErrors: [] };
  }

  // A concurrent request with the same key won the insert; answer as its retry.
  const winner = await context.repository.orderByIdempotencyKey(identity.userId, key as string);
  if (!winner) throw new Error('An idempotent insert was ignored but no order holds its key.');
  return replay(input, winner);
}

function replay(input: PlaceOrderInput, existing: Order): OrderPayload {
  if (sameOrderRequest(input, existing)) return { order: existing, userErrors: [] };
  return rejected({
    code: 'IDEMPOTENCY_KEY_REUSED',
    field: ['input', 'idempotencyKey'],
    message: `idempotencyKey was already used for order ${existing.id} with different details.`,
  });
}

export async function cancelOrder(
  context: TradingContext,
  identity: Identity,
  id: string,
): Promise<OrderPayload> {
  const order = isUuid(id) ? await context.loaders.orderById.load(id) : null;
  if (!order || order.userId !== identity.userId) {
    return rejected({
      code: 'UNKNOWN_ORDER',
      field: ['id'],
      message: `No order of yours has id "${id}".`,
    });
  }

  const cancelled = await context.repository.cancelOpenOrder(id, identity.userId);
  if (!cancelled) {
    return rejected({
      code: 'ORDER_NOT_OPEN',
      field: ['id'],
      message: `Order "${id}" is ${order.status}; only ACCEPTED or PARTIALLY_FILLED orders can be cancelled.`,
    });
  }
  context.log.info({ orderId: id }, 'order cancelled');
  return { order: cancelled, userErrors: [] };
}
