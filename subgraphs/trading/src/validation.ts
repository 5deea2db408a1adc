import { Decimal, isDecimalText, scaleOf } from '#shared';
import type { PlaceOrderInput, UserError } from './model.js';

/** Quantities and prices carry at most this many decimal places (the columns' scale). */
export const MAX_SCALE = 8;

/** Anything at or above this is a typo or an attack, never an order. */
const MAX_MAGNITUDE = new Decimal('1e12');

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

function checkAmount(
  value: string,
  field: string,
  code: 'INVALID_QUANTITY' | 'INVALID_PRICE',
): UserError | undefined {
  const label = field === 'quantity' ? 'Quantity' : 'Limit price';
  const path = ['input', field];
  if (!isDecimalText(value)) {
    return { code, field: path, message: `${label} must be a decimal number; got "${value}".` };
  }
  const amount = new Decimal(value);
  if (amount.lte(0)) {
    return { code, field: path, message: `${label} must be greater than zero; got ${value}.` };
  }
  if (scaleOf(value) > MAX_SCALE) {
    return {
      code,
      field: path,
      message: `${label} allows at most ${MAX_SCALE} decimal places; got ${value}.`,
    };
  }
  if (amount.gte(MAX_MAGNITUDE)) {
    return { code, field: path, message: `${label} must be below ${MAX_MAGNITUDE.toFixed()}.` };
  }
  return undefined;
}

/**
 * Checks what can be checked without asking another service. Every problem is reported at
 * once, each naming its field, so a form can mark all of them together.
 */
export function validatePlaceOrderInput(input: PlaceOrderInput): UserError[] {
  const errors: UserError[] = [];

  const quantity = checkAmount(input.quantity, 'quantity', 'INVALID_QUANTITY');
  if (quantity) errors.push(quantity);

  const hasLimit = input.limitPrice !== undefined && input.limitPrice !== null;
  if (input.type === 'LIMIT' && !hasLimit) {
    errors.push({
      code: 'LIMIT_PRICE_REQUIRED',
      field: ['input', 'limitPrice'],
      message: 'A LIMIT order needs a limitPrice.',
    });
  }
  if (input.type === 'MARKET' && hasLimit) {
    errors.push({
      code: 'LIMIT_PRICE_NOT_ALLOWED',
      field: ['input', 'limitPrice'],
      message: 'A MARKET order fills at the current quote; leave limitPrice out or use LIMIT.',
    });
  }
  if (input.type === 'LIMIT' && hasLimit) {
    const price = checkAmount(input.limitPrice as string, 'limitPrice', 'INVALID_PRICE');
    if (price) errors.push(price);
  }

  const key = input.idempotencyKey;
  if (key !== undefined && key !== null && !IDEMPOTENCY_KEY.test(key)) {
    errors.push({
      code: 'INVALID_IDEMPOTENCY_KEY',
      field: ['input', 'idempotencyKey'],
      message: 'idempotencyKey must be 1 to 128 printable ASCII characters without spaces.',
    });
  }

  return errors;
}

/** Whether a retried request asks for the same order as the one its key already placed. */
export function sameOrderRequest(
  input: PlaceOrderInput,
  existing: {
    portfolioId: string;
    instrumentId: string;
    side: string;
    type: string;
    quantity: string;
    limitPrice: string | null;
  },
): boolean {
  const sameLimit =
    (input.limitPrice ?? null) === null
      ? existing.limitPrice === null
      : existing.limitPrice !== null &&
        new Decimal(input.limitPrice as string).eq(existing.limitPrice);
  return (
    input.portfolioId === existing.portfolioId &&
    input.instrumentId === existing.instrumentId &&
    input.side === existing.side &&
    input.type === existing.type &&
    isDecimalText(input.quantity) &&
    new Decimal(input.quantity).eq(existing.quantity) &&
    sameLimit
  );
}
