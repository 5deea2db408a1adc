import { normal, seededRandom } from '#shared';
import type { AssetClass, InstrumentSeed } from '#demo';

/** Annualised volatility by asset class, used by the seed's geometric Brownian motion. */
export const ANNUAL_VOLATILITY: Record<AssetClass, number> = {
  EQUITY: 0.28,
  ETF: 0.16,
  BOND: 0.07,
  CRYPTO: 0.65,
};

/** Bid/ask half-spread, in basis points of price. */
export const HALF_SPREAD_BPS: Record<AssetClass, number> = {
  EQUITY: 4,
  ETF: 2,
  BOND: 3,
  CRYPTO: 8,
};

export interface DailyBarRow {
  date: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

const DAY_MS = 86_400_000;

export function decimalsFor(seed: InstrumentSeed): number {
  if (seed.assetClass === 'CRYPTO') return 2;
  return Number(seed.price) < 50 ? 4 : 2;
}

/** Trading days: every day for crypto, weekdays for everything else. */
function isTradingDay(date: Date, assetClass: AssetClass): boolean {
  const weekday = date.getUTCDay();
  return assetClass === 'CRYPTO' || (weekday !== 0 && weekday !== 6);
}

/**
 * One year of daily bars ending on the trading day before `today`, whose last close is the
 * instrument's reference price. The path is walked backwards from that close with log-normal
 * steps drawn from a PRNG seeded by the symbol, so every machine generates the same history.
 */
export function generateDailyBars(seed: InstrumentSeed, today: Date): DailyBarRow[] {
  const random = seededRandom(`bars:${seed.symbol}`);
  const dailySigma = ANNUAL_VOLATILITY[seed.assetClass] / Math.sqrt(252);
  const places = decimalsFor(seed);
  const baseVolume = seed.assetClass === 'CRYPTO' ? 20_000 : 5_000_000;

  const bars: DailyBarRow[] = [];
  let close = Number(seed.price);
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());

  for (let offset = 1; offset <= 365; offset++) {
    const date = new Date(start - offset * DAY_MS);
    if (!isTradingDay(date, seed.assetClass)) continue;

    const open = close * Math.exp(dailySigma * normal(random) * 0.6);
    const high = Math.max(open, close) * (1 + Math.abs(normal(random)) * dailySigma * 0.4);
    const low = Math.min(open, close) * (1 - Math.abs(normal(random)) * dailySigma * 0.4);
    const volume = Math.round(baseVolume * (0.5 + random()));
    bars.push({
      date: date.toISOString().slice(0, 10),
      open: open.toFixed(places),
      high: high.toFixed(places),
      low: low.toFixed(places),
      close: close.toFixed(places),
      volume: String(volume),
    });

    // The previous day's close, one GBM step back (drift is negligible over one day).
    close = close / Math.exp(dailySigma * normal(random) - (dailySigma * dailySigma) / 2);
  }

  return bars.reverse();
}

/** A quote a small, deterministic move away from the last close, with a spread around it. */
export function openingQuote(seed: InstrumentSeed, lastClose: string) {
  const random = seededRandom(`quote:${seed.symbol}`);
  const places = decimalsFor(seed);
  const dailySigma = ANNUAL_VOLATILITY[seed.assetClass] / Math.sqrt(252);
  const price = Number(lastClose) * Math.exp(dailySigma * normal(random) * 0.5);
  const halfSpread = (price * HALF_SPREAD_BPS[seed.assetClass]) / 10_000;

  return {
    price: price.toFixed(places),
    bid: (price - halfSpread).toFixed(places),
    ask: (price + halfSpread).toFixed(places),
    previousClose: lastClose,
  };
}
