import { Decimal } from '#shared';
import type { FxConverter } from '../src/market-client.js';
import type { Holding, MarketPrice, Portfolio } from '../src/model.js';
import { MissingFxRate, valuePortfolio } from '../src/valuation.js';

const portfolio: Portfolio = {
  id: 'p1',
  userId: 'u1',
  name: 'ISA',
  baseCurrency: 'GBP',
  cash: '1000.0000',
  createdAt: new Date('2026-01-01T00:00:00Z'),
};

const holding = (instrumentId: string, quantity: string, averageCost: string, currency: string) =>
  ({ portfolioId: 'p1', instrumentId, quantity, averageCost, currency }) satisfies Holding;

const price = (
  instrumentId: string,
  assetClass: string,
  currency: string,
  last: string,
  previousClose: string,
): MarketPrice => ({
  instrumentId,
  assetClass,
  currency,
  price: last,
  previousClose,
  asOf: new Date('2026-12-03T10:00:00Z'),
});

const fx: FxConverter = (from, to) => {
  if (from === to) return new Decimal(1);
  if (from === 'USD' && to === 'GBP') return new Decimal('0.8');
  return undefined;
};

describe('valuePortfolio', () => {
  it('values holdings at current prices in the base currency, exactly', () => {
    const holdings = [holding('vod', '3', '0.10', 'GBP'), holding('aapl', '10', '150', 'USD')];
    const prices = new Map([
      ['vod', price('vod', 'EQUITY', 'GBP', '0.1', '0.2')],
      ['aapl', price('aapl', 'EQUITY', 'USD', '200', '190')],
    ]);

    const valuation = valuePortfolio(portfolio, holdings, prices, fx);

    // 3 × 0.1 is 0.3 exactly, where binary floats give 0.30000000000000004.
    expect(valuation.marketValue).toEqual({ amount: '1600.30', currency: 'GBP' });
    expect(valuation.totalValue.amount).toBe('2600.30');
    expect(valuation.costBasis.amount).toBe('1200.30');
    expect(valuation.unrealizedPnl.amount).toBe('400.00');
    expect(valuation.unrealizedPnlPercent).toBe('33.33');
    expect(valuation.dayPnl.amount).toBe('79.70');
  });

  it('splits the total by asset class with cash as its own slice', () => {
    const holdings = [holding('igl', '10', '10', 'GBP'), holding('btc', '1', '500', 'GBP')];
    const prices = new Map([
      ['igl', price('igl', 'BOND', 'GBP', '10', '10')],
      ['btc', price('btc', 'CRYPTO', 'GBP', '900', '900')],
    ]);

    const { allocation } = valuePortfolio(portfolio, holdings, prices, fx);

    expect(allocation).toEqual([
      { assetClass: 'CASH', value: { amount: '1000.00', currency: 'GBP' }, weight: '50.00' },
      { assetClass: 'CRYPTO', value: { amount: '900.00', currency: 'GBP' }, weight: '45.00' },
      { assetClass: 'BOND', value: { amount: '100.00', currency: 'GBP' }, weight: '5.00' },
    ]);
  });

  it('values a holding without a quote at cost rather than at zero', () => {
    const valuation = valuePortfolio(portfolio, [holding('gone', '2', '50', 'GBP')], new Map(), fx);
    expect(valuation.marketValue.amount).toBe('100.00');
    expect(valuation.unrealizedPnl.amount).toBe('0.00');
  });

  it('refuses to guess a missing exchange rate', () => {
    const holdings = [holding('sap', '1', '100', 'EUR')];
    const prices = new Map([['sap', price('sap', 'EQUITY', 'EUR', '120', '110')]]);
    expect(() => valuePortfolio(portfolio, holdings, prices, fx)).toThrow(MissingFxRate);
  });

  it('values an empty portfolio as its cash', () => {
    const valuation = valuePortfolio(portfolio, [], new Map(), fx);
    expect(valuation.totalValue.amount).toBe('1000.00');
    expect(valuation.allocation).toEqual([
      { assetClass: 'CASH', value: { amount: '1000.00', currency: 'GBP' }, weight: '100.00' },
    ]);
  });
});
