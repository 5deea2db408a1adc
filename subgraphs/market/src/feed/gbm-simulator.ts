import { Decimal, normal, seededRandom } from '#shared';
import type { AssetClass } from '../model.js';
import type { PriceTick } from './price-feed.js';

/** Annualised volatility of each asset class: bonds drift, crypto swings. */
export const ANNUAL_VOLATILITY: Readonly<Record<AssetClass, number>> = {
  BOND: 0.05,
  ETF: 0.15,
  EQUITY: 0.25,
  CRYPTO: 0.7,
};

/** Decimal places prices are quoted to: funds and bonds finer than shares and coins. */
export const PRICE_PLACES: Readonly<Record<AssetClass, number>> = {
  BOND: 4,
  ETF: 4,
  EQUITY: 2,
  CRYPTO: 2,
};

/** Seconds in a trading year (252 days of 6.5 hours), the unit volatility is quoted in. */
const TRADING_YEAR_SECONDS = 252 * 6.5 * 3600;

export interface SimulatedInstrument {
  instrumentId: string;
  symbol: string;
  assetClass: AssetClass;
  price: string;
  bid: string;
  ask: string;
  previousClose: string;
}

/** One of `of` interleaved groups of instruments, by place in symbol order. */
export interface FeedGroup {
  readonly index: number;
  readonly of: number;
}

export interface GbmSimulatorOptions {
  seed: string | number;
  instruments: readonly SimulatedInstrument[];
  /** Simulated seconds per real second, so that moves are visible at a tick rate. Default 60. */
  timeScale?: number;
}

interface State {
  instrument: SimulatedInstrument;
  price: Decimal;
  /** Half the spread as a fraction of the price, kept from the instrument's first quote. */
  halfSpread: Decimal;
  places: number;
  volatility: number;
}

/**
 * Geometric Brownian motion without drift: each step multiplies the price by
 * exp(-σ²dt/2 + σ√dt·Z). The factor is computed in binary floating point, which is fine for a
 * random walk; the price itself stays a decimal, multiplied exactly and rounded to the
 * instrument's quoted places, so nothing stored ever carries a float's error. The same seed,
 * instruments and steps give the same prices on every machine.
 */
export function createGbmSimulator(options: GbmSimulatorOptions) {
  const random = seededRandom(options.seed);
  const timeScale = options.timeScale ?? 60;
  const states: State[] = [...options.instruments]
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
    .map((instrument) => {
      const price = new Decimal(instrument.price);
      const spread = new Decimal(instrument.ask).minus(instrument.bid);
      return {
        instrument,
        price,
        halfSpread: price.isZero() ? new Decimal(0) : spread.div(price).div(2),
        places: PRICE_PLACES[instrument.assetClass],
        volatility: ANNUAL_VOLATILITY[instrument.assetClass],
      };
    });

  function quote(state: State, asOf: Date): PriceTick {
    const unit = new Decimal(1).div(new Decimal(10).pow(state.places));
    const half = Decimal.max(state.price.times(state.halfSpread), unit.div(2));
    // Bid rounds down and ask up, so the spread never closes, and both stay positive.
    const bid = Decimal.max(
      state.price.minus(half).toDecimalPlaces(state.places, Decimal.ROUND_DOWN),
      unit,
    );
    let ask = state.price.plus(half).toDecimalPlaces(state.places, Decimal.ROUND_UP);
    if (ask.lte(bid)) ask = bid.plus(unit);
    return {
      instrumentId: state.instrument.instrumentId,
      symbol: state.instrument.symbol,
      price: state.price.toFixed(state.places),
      bid: bid.toFixed(state.places),
      ask: ask.toFixed(state.places),
      previousClose: state.instrument.previousClose,
      asOf,
    };
  }

  return {
    /**
     * Moves instruments by `elapsedMs` of real time and returns their new quotes: every
     * instrument, or with `group` only those whose place in symbol order is `index` modulo `of`.
     */
    step(elapsedMs: number, asOf: Date, group?: FeedGroup): PriceTick[] {
      const dt = (elapsedMs / 1000) * (timeScale / TRADING_YEAR_SECONDS);
      const moving = group
        ? states.filter((_, position) => position % group.of === group.index)
        : states;
      return moving.map((state) => {
        const sigma = state.volatility;
        const factor = Math.exp(-0.5 * sigma * sigma * dt + sigma * Math.sqrt(dt) * normal(random));
        const unit = new Decimal(1).div(new Decimal(10).pow(state.places));
        state.price = Decimal.max(
          state.price.times(factor.toPrecision(15)).toDecimalPlaces(state.places),
          unit,
        );
        return quote(state, asOf);
      });
    },
  };
}

export type GbmSimulator = ReturnType<typeof createGbmSimulator>;
