import { Decimal } from '#shared';
import { summarizeMoves, type Move } from '../src/market-summary.js';

const move = (id: string, assetClass: string, change: string): Move => ({
  id,
  assetClass,
  change: new Decimal(change),
});

describe('summarizeMoves', () => {
  const moves = [
    move('a', 'EQUITY', '2.5'),
    move('b', 'EQUITY', '-0.5'),
    move('c', 'BOND', '-0.2'),
    move('d', 'CRYPTO', '4.1'),
    move('e', 'CRYPTO', '-1.1'),
  ];

  it('counts breadth and averages each asset class', () => {
    const summary = summarizeMoves(moves);
    expect(summary.advancers).toBe(2);
    expect(summary.decliners).toBe(3);
    expect(summary.byAssetClass).toEqual([
      { assetClass: 'BOND', averageChangePercent: '-0.20', advancers: 0, decliners: 1 },
      { assetClass: 'CRYPTO', averageChangePercent: '1.50', advancers: 1, decliners: 1 },
      { assetClass: 'EQUITY', averageChangePercent: '1.00', advancers: 1, decliners: 1 },
    ]);
  });

  it('ranks gainers and losers and says so in the headline', () => {
    const summary = summarizeMoves(moves);
    expect(summary.topGainers.map((item) => item.instrument.id)).toEqual(['d', 'a']);
    expect(summary.topLosers.map((item) => item.instrument.id)).toEqual(['e', 'b', 'c']);
    expect(summary.headline).toBe(
      'Markets mixed: 2 of 5 instruments up; best crypto (+1.50%), weakest bonds (-0.20%)',
    );
  });
});
