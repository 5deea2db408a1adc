import { randomUUID } from 'node:crypto';
import { addJobCall, crashPoint, Decimal, isUuid, type Identity } from '#shared';
import type { InstrumentFacts } from './clients.js';
import type { TradingContext } from './context.js';
import { endOrder, JOBS_SCHEMA, portfolioQueue } from './execution.js';
import type { Order, PlaceOrderInput, UserError } from './model.js';
import { sameOrderRequest, validatePlaceOrderInput } from './validation.js';

export interface OrderPayload {
  order: Order | null;
  userErrors: UserError[];
}

const rejected = (...userErrors: UserError[]): OrderPayload => ({ order: null, userErrors });

function instrumentProblem(input: PlaceOrderInput, facts: InstrumentFacts | undefined) {
  const field = ['input', 'instrumentId'];
  if (!facts) {
    return rejected({
      code: 'UNKNOWN_INSTRUMENT',
      field,
      message: `No instrument has id "${input.instrumentId}".`,
    });
  }
  if (!facts.tradable) {
    return rejected({
      code: 'INSTRUMENT_NOT_TRADABLE',
      field,
      message: `Instrument "${input.instrumentId}" is not tradable at the moment.`,
    });
  }
  if (input.type === 'MARKET' && !facts.quote) {
    return rejected({
      code: 'NO_PRICE',
      field,
      message: `Instrument "${input.instrumentId}" has no quote; place a LIMIT order instead.`,
    });
  }
  return undefined;
}

/** The most a buy may pay per unit: its limit, or the ask plus the market-order protection. */
function holdPrice(context: TradingContext, input: PlaceOrderInput, facts: InstrumentFacts) {
  if (input.type === 'LIMIT') return input.limitPrice as string;
  const quote = facts.quote as { bid: string; ask: string };
  if (input.side === 'SELL') return quote.bid;
  return new Decimal(quote.ask)
    .times(new Decimal(1).plus(new Decimal(context.marketProtectionBps).div(10_000)))
    .toDecimalPlaces(8, Decimal.ROUND_UP)
    .toFixed();
}

/**
 * Places an order: validate, hold buying power (or shares) in portfolio, then record the order
 * and, for a market order, the job that executes it, in one statement. A retried request with
 * the same idempotency key gets the original order back and never trades twice.
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
  if (!isUuid(input.portfolioId)) {
    return rejected({
      code: 'UNKNOWN_PORTFOLIO',
      field: ['input', 'portfolioId'],
      message: `No portfolio has id "${input.portfolioId}".`,
    });
  }

  const facts = isUuid(input.instrumentId)
    ? (await context.market([input.instrumentId])).get(input.instrumentId)
    : undefined;
  const problem = instrumentProblem(input, facts);
  if (problem || !facts) return problem as OrderPayload;

  const orderId = randomUUID();
  const priceCap = holdPrice(context, input, facts);
  const outcome = await context.portfolios.reserve(
    {
      orderId,
      portfolioId: input.portfolioId,
      side: input.side,
      instrumentId: input.instrumentId,
      quantity: input.quantity,
      price: priceCap,
      currency: facts.currency,
    },
    { requestId: context.requestId, identityToken: await context.signAsTrading(identity.userId) },
  );
  const refusal = reservationProblem(input, outcome.status, outcome.available);
  if (refusal) return refusal;
  crashPoint('trading.place.after-reserve');

  const reservedAt = Date.parse(outcome.reservedAt ?? '');
  if (!(Date.now() - reservedAt < context.reservationTrustMs)) {
    await releaseQuietly(context, orderId, identity.userId);
    throw new Error('The hold for this order is too old to trust; the order was not placed.');
  }

  const execute =
    input.type === 'MARKET'
      ? addJobCall(
          JOBS_SCHEMA,
          'execute-order',
          { orderId },
          { queue: portfolioQueue(input.portfolioId), jobKey: `execute:${orderId}` },
        )
      : undefined;
  const order = await context.repository.insertAcceptedOrder(
    orderId,
    identity.userId,
    {
      ...input,
      priceCap: input.type === 'MARKET' && input.side === 'BUY' ? priceCap : null,
      currency: facts.currency,
    },
    execute,
  );

  if (order) {
    context.log.info({ orderId, portfolioId: order.portfolioId }, 'order accepted');
    await context.orderEvents.changed(order);
    return { order, userErrors: [] };
  }

  // A concurrent request with the same key won the insert: give back our hold, answer as its retry.
  await releaseQuietly(context, orderId, identity.userId);
  const winner = await context.repository.orderByIdempotencyKey(identity.userId, key as string);
  if (!winner) throw new Error('An idempotent insert was ignored but no order holds its key.');
  return replay(input, winner);
}

function reservationProblem(
  input: PlaceOrderInput,
  status: string,
  available: string | null,
): OrderPayload | undefined {
  switch (status) {
    case 'RESERVED':
      return undefined;
    case 'NOT_FOUND':
      return rejected({
        code: 'UNKNOWN_PORTFOLIO',
        field: ['input', 'portfolioId'],
        message: `No portfolio has id "${input.portfolioId}".`,
      });
    case 'FORBIDDEN':
      return rejected({
        code: 'PORTFOLIO_FORBIDDEN',
        field: ['input', 'portfolioId'],
        message: `Portfolio "${input.portfolioId}" belongs to another user.`,
      });
    case 'INSUFFICIENT_FUNDS':
      return rejected({
        code: 'INSUFFICIENT_FUNDS',
        field: ['input', 'quantity'],
        message: `Buying ${input.quantity} needs more than the ${available} of buying power left.`,
      });
    case 'INSUFFICIENT_HOLDINGS':
      return rejected({
        code: 'INSUFFICIENT_HOLDINGS',
        field: ['input', 'quantity'],
        message:
          `Selling ${input.quantity} needs more than the ${available} held ` +
          'and not already for sale.',
      });
    default:
      throw new Error(`Unexpected reservation status ${status}.`);
  }
}

async function releaseQuietly(context: TradingContext, orderId: string, userId: string) {
  try {
    const token = await context.signAsTrading(userId);
    await context.portfolios.release(orderId, {
      requestId: context.requestId,
      identityToken: token,
    });
  } catch (error) {
    // The orphan sweep in portfolio releases it later; nothing is lost, only held a while.
    context.log.warn({ err: error, orderId }, 'could not release a hold right away');
  }
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

  const cancelled = await endOrder(context.db, id, { status: 'CANCELLED' }, identity.userId);
  if (!cancelled) {
    const current = (await context.repository.ordersByIds([id]))[0] ?? order;
    return rejected({
      code: 'ORDER_NOT_OPEN',
      field: ['id'],
      message:
        `Order "${id}" is ${current.status}; ` +
        'only ACCEPTED or PARTIALLY_FILLED orders can be cancelled.',
    });
  }
  context.log.info({ orderId: id }, 'order cancelled');
  await context.orderEvents.changed(cancelled);
  return { order: cancelled, userErrors: [] };
}
