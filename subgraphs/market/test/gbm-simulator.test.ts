import { Decimal, scaleOf } from '#shared';
import type { AssetClass } from '../src/model.js';
import {
  createGbmSimulator,
  PRICE_PLACES,
  type SimulatedInstrument,
} from '../src/feed/gbm-simulator.js';

const instrument = (
  symbol: string,
  assetClass: AssetClass,
  price: string,
  bid: string,
  ask: string,
): SimulatedInstrument => ({
  instrumentId: `id-${symbol}`,
  symbol,
  assetClass,
  price,
  bid,
  ask,
  previousClose: price,
});

const UNIVERSE = [
  instrument('AAA', 'EQUITY', '100.00', '99.95', '100.05'),
  instrument('BND', 'BOND', '100.0000', '99.9900', '100.0100'),
  instrument('ETF', 'ETF', '100.0000', '99.9800', '100.0200'),
  instrument('BTC', 'CRYPTO', '100.00', '99.90', '100.10'),
];

function run(seed: string, steps: number) {
  const simulator = createGbmSimulator({ seed, instruments: UNIVERSE, timeScale: 600 });
  const history: ReturnType<typeof simulator.step>[] = [];
  for (let i = 0; i < steps; i++) history.push(simulator.step(250, new Date(i * 250)));
  return history;
}

/** Standard deviation of log returns of one symbol over a run. */
function realisedVolatility(history: ReturnType<typeof run>, symbol: string): number {
  const prices = history.map((ticks) => Number(ticks.find((t) => t.symbol === symbol)?.price));
  const returns = prices.slice(1).map((price, i) => Math.log(price / (prices[i] as number)));
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  return Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / returns.length);
}

describe('GBM price simulator', () => {
  it('yields the same prices for the same seed, and others for another seed', () => {
    const first = run('seed-1', 50);
    expect(run('seed-1', 50)).toEqual(first);
    expect(run('seed-2', 50)).not.toEqual(first);
  });

  it('moves crypto more than equities, equities more than ETFs, ETFs more than bonds', () => {
    const history = run('volatility', 2_000);
    const [bond, etf, equity, crypto] = ['BND', 'ETF', 'AAA', 'BTC'].map((symbol) =>
      realisedVolatility(history, symbol),
    ) as [number, number, number, number];
    expect(bond).toBeLessThan(etf);
    expect(etf).toBeLessThan(equity);
    expect(equity).toBeLessThan(crypto);
  });

  it('keeps prices positive, at the quoted places, with bid below price below ask', () => {
    const shaky = [instrument('PENNY', 'CRYPTO', '0.02', '0.01', '0.03'), ...UNIVERSE];
    const simulator = createGbmSimulator({ seed: 'bounds', instruments: shaky, timeScale: 5e5 });
    for (let i = 0; i < 500; i++) {
      for (const tick of simulator.step(250, new Date())) {
        const places = PRICE_PLACES[shaky.find((s) => s.symbol === tick.symbol)!.assetClass];
        for (const value of [tick.price, tick.bid, tick.ask]) {
          expect(scaleOf(value)).toBe(places);
          expect(new Decimal(value).gt(0)).toBe(true);
        }
        expect(new Decimal(tick.bid).lt(tick.ask)).toBe(true);
        expect(new Decimal(tick.bid).lte(tick.price)).toBe(true);
        expect(new Decimal(tick.ask).gte(tick.price)).toBe(true);
      }
    }
  });

  it('moves one interleaved group per step, and every instrument once per round of groups', () => {
    const simulator = createGbmSimulator({ seed: 'groups', instruments: UNIVERSE, timeScale: 600 });
    const rounds = [0, 1, 2].map((index) =>
      simulator.step(250, new Date(), { index, of: 3 }).map((tick) => tick.symbol),
    );

    // Symbol order is AAA, BND, BTC, ETF: places 0 and 3 form group 0.
    expect(rounds).toEqual([['AAA', 'ETF'], ['BND'], ['BTC']]);
    const moved = simulator.step(250, new Date(), { index: 1, of: 3 });
    expect(moved.map((tick) => tick.symbol)).toEqual(['BND']);
    expect(simulator.step(250, new Date(), { index: 5, of: 3 })).toEqual([]);
  });

  it('keeps each instrument’s relative spread', () => {
    const [tick] = createGbmSimulator({ seed: 'spread', instruments: [UNIVERSE[0]!] }).step(
      250,
      new Date(),
    );
    const spread = new Decimal(tick!.ask).minus(tick!.bid).div(tick!.price);
    expect(spread.toNumber()).toBeCloseTo(0.001, 3);
  });
});
