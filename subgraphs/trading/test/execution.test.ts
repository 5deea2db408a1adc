import { crossingPrice } from '../src/execution.js';

const quote = { bid: '99.90', ask: '100.10' };

describe('crossingPrice', () => {
  it('fills a market buy at the ask while under its protected price', () => {
    expect(
      crossingPrice({ side: 'BUY', type: 'MARKET', limitPrice: null, priceCap: '102' }, quote),
    ).toBe('100.10');
    expect(
      crossingPrice({ side: 'BUY', type: 'MARKET', limitPrice: null, priceCap: '100' }, quote),
    ).toBeUndefined();
  });

  it('fills a market sell at the bid', () => {
    expect(
      crossingPrice({ side: 'SELL', type: 'MARKET', limitPrice: null, priceCap: null }, quote),
    ).toBe('99.90');
  });

  it('fills a limit buy only when the ask is at or below the limit', () => {
    const order = { side: 'BUY' as const, type: 'LIMIT' as const, priceCap: null };
    expect(crossingPrice({ ...order, limitPrice: '100.10' }, quote)).toBe('100.10');
    expect(crossingPrice({ ...order, limitPrice: '100.09' }, quote)).toBeUndefined();
  });

  it('fills a limit sell only when the bid is at or above the limit', () => {
    const order = { side: 'SELL' as const, type: 'LIMIT' as const, priceCap: null };
    expect(crossingPrice({ ...order, limitPrice: '99.90' }, quote)).toBe('99.90');
    expect(crossingPrice({ ...order, limitPrice: '99.91' }, quote)).toBeUndefined();
  });
});
