import { Decimal, sum, toFixed } from '#shared';
import type { FxConverter } from './market-client.js';
import type { Holding, MarketPrice, Portfolio } from './model.js';

export interface Money {
  amount: string;
  currency: string;
}

export interface PositionValue {
  instrument: { __typename: 'Instrument'; id: string };
  quantity: string;
  price: Money;
  marketValue: Money;
  unrealizedPnl: Money;
  weight: string;
}

export interface Valuation {
  totalValue: Money;
  marketValue: Money;
  cash: Money;
  costBasis: Money;
  unrealizedPnl: Money;
  unrealizedPnlPercent: string;
  dayPnl: Money;
  allocation: { assetClass: string; value: Money; weight: string }[];
  positions: PositionValue[];
  asOf: Date;
}

/** Money in a portfolio's base currency is shown to the cent. */
const MONEY_PLACES = 2;

const money = (amount: Decimal, currency: string): Money => ({
  amount: toFixed(amount, MONEY_PLACES),
  currency,
});

const percentOf = (part: Decimal, whole: Decimal): string =>
  whole.isZero() ? '0.00' : toFixed(part.div(whole).times(100), 2);

export class MissingFxRate extends Error {
  constructor(from: string, to: string) {
    super(`No exchange rate from ${from} to ${to} is available.`);
  }
}

/**
 * Values a portfolio at current prices, in its base currency, with exact decimals. Rounding
 * happens once, on output. Cost is converted at today's rate, so unrealized P&L includes the
 * currency move. A holding without a quote is valued at cost rather than at zero.
 */
export function valuePortfolio(
  portfolio: Portfolio,
  holdings: readonly Holding[],
  prices: ReadonlyMap<string, MarketPrice>,
  fx: FxConverter,
  now = new Date(),
): Valuation {
  const base = portfolio.baseCurrency;
  const toBase = (currency: string): Decimal => {
    const rate = fx(currency, base);
    if (!rate) throw new MissingFxRate(currency, base);
    return rate;
  };

  const lines = holdings.map((holding) => {
    const quote = prices.get(holding.instrumentId);
    const rate = toBase(holding.currency);
    const quantity = new Decimal(holding.quantity);
    const price = new Decimal(quote?.price ?? holding.averageCost);
    const previousClose = new Decimal(quote?.previousClose ?? price);
    const value = quantity.times(price).times(rate);
    const cost = quantity.times(holding.averageCost).times(rate);
    return {
      holding,
      quote,
      price,
      value,
      cost,
      dayMove: quantity.times(price.minus(previousClose)).times(rate),
    };
  });

  const cash = new Decimal(portfolio.cash);
  const marketValue = sum(lines.map((line) => line.value));
  const costBasis = sum(lines.map((line) => line.cost));
  const totalValue = marketValue.plus(cash);
  const unrealized = marketValue.minus(costBasis);

  const byClass = new Map<string, Decimal>();
  for (const line of lines) {
    const assetClass = line.quote?.assetClass ?? 'UNKNOWN';
    byClass.set(assetClass, (byClass.get(assetClass) ?? new Decimal(0)).plus(line.value));
  }
  if (!cash.isZero()) byClass.set('CASH', cash);

  const asOfTimes = lines.flatMap((line) => (line.quote ? [line.quote.asOf.getTime()] : []));

  return {
    totalValue: money(totalValue, base),
    marketValue: money(marketValue, base),
    cash: money(cash, base),
    costBasis: money(costBasis, base),
    unrealizedPnl: money(unrealized, base),
    unrealizedPnlPercent: percentOf(unrealized, costBasis),
    dayPnl: money(sum(lines.map((line) => line.dayMove)), base),
    allocation: [...byClass.entries()]
      .sort(([, a], [, b]) => b.comparedTo(a))
      .map(([assetClass, value]) => ({
        assetClass,
        value: money(value, base),
        weight: percentOf(value, totalValue),
      })),
    positions: lines.map((line) => ({
      instrument: { __typename: 'Instrument', id: line.holding.instrumentId },
      quantity: line.holding.quantity,
      price: { amount: line.price.toFixed(), currency: line.holding.currency },
      marketValue: money(line.value, base),
      unrealizedPnl: money(line.value.minus(line.cost), base),
      weight: percentOf(line.value, totalValue),
    })),
    asOf: asOfTimes.length > 0 ? new Date(Math.min(...asOfTimes)) : now,
  };
}
