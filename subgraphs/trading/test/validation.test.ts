import type { PlaceOrderInput } from '../src/model.js';
import { sameOrderRequest, validatePlaceOrderInput } from '../src/validation.js';

const base: PlaceOrderInput = {
  portfolioId: 'p',
  instrumentId: 'i',
  side: 'BUY',
  type: 'MARKET',
  quantity: '10',
};

const codes = (input: Partial<PlaceOrderInput>) =>
  validatePlaceOrderInput({ ...base, ...input }).map((error) => error.code);

describe('validatePlaceOrderInput', () => {
  it('accepts a plain market order and a fractional limit order', () => {
    expect(codes({})).toEqual([]);
    expect(codes({ type: 'LIMIT', limitPrice: '101.25', quantity: '0.00012345' })).toEqual([]);
  });

  it.each(['0', '-1', '0.000000001', '1000000000000', 'abc', '1e3', ''])(
    'refuses quantity %p',
    (quantity) => {
      expect(codes({ quantity })).toEqual(['INVALID_QUANTITY']);
    },
  );

  it('needs a limit price on a limit order and refuses one on a market order', () => {
    expect(codes({ type: 'LIMIT' })).toEqual(['LIMIT_PRICE_REQUIRED']);
    expect(codes({ type: 'MARKET', limitPrice: '10' })).toEqual(['LIMIT_PRICE_NOT_ALLOWED']);
  });

  it.each(['0', '-5', '1.123456789', '99999999999999'])('refuses limit price %p', (limitPrice) => {
    expect(codes({ type: 'LIMIT', limitPrice })).toEqual(['INVALID_PRICE']);
  });

  it('reports every problem at once, each with its field', () => {
    const errors = validatePlaceOrderInput({
      ...base,
      type: 'LIMIT',
      quantity: '-2',
      idempotencyKey: 'has spaces',
    });
    expect(errors.map((error) => [error.code, error.field])).toEqual([
      ['INVALID_QUANTITY', ['input', 'quantity']],
      ['LIMIT_PRICE_REQUIRED', ['input', 'limitPrice']],
      ['INVALID_IDEMPOTENCY_KEY', ['input', 'idempotencyKey']],
    ]);
  });
});

describe('sameOrderRequest', () => {
  const existing = {
    portfolioId: 'p',
    instrumentId: 'i',
    side: 'BUY',
    type: 'LIMIT',
    quantity: '10.00000000',
    limitPrice: '101.50000000',
  };

  it('treats numerically equal decimals as the same request', () => {
    expect(
      sameOrderRequest({ ...base, type: 'LIMIT', quantity: '10', limitPrice: '101.5' }, existing),
    ).toBe(true);
  });

  it('spots a different quantity, price or side', () => {
    const limit = { ...base, type: 'LIMIT' as const, limitPrice: '101.5' };
    expect(sameOrderRequest({ ...limit, quantity: '11' }, existing)).toBe(false);
    expect(sameOrderRequest({ ...limit, limitPrice: '101.6' }, existing)).toBe(false);
    expect(sameOrderRequest({ ...limit, side: 'SELL' }, existing)).toBe(false);
  });
});
