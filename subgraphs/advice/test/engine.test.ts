import { adviseOn, type ValuationInput } from '../src/engine.js';

const model = { EQUITY: '40', ETF: '35', BOND: '15', CRYPTO: '3', CASH: '7' };

function valuation(
  allocation: Record<string, string>,
  positions: [string, string][] = [],
): ValuationInput {
  return {
    totalValue: { amount: '10000.00', currency: 'GBP' },
    allocation: Object.entries(allocation).map(([assetClass, weight]) => ({ assetClass, weight })),
    positions: positions.map(([id, weight]) => ({ instrument: { id }, weight })),
  };
}

describe('adviseOn', () => {
  it('holds a portfolio that matches its model', () => {
    const advice = adviseOn(
      valuation({ EQUITY: '41', ETF: '33', BOND: '16', CRYPTO: '3', CASH: '7' }),
      'GROWTH',
      model,
    );
    expect(advice.recommendations.map((item) => item.kind)).toEqual(['HOLD']);
    expect(advice.summary).toMatch(/matches its growth model/);
  });

  it('rebalances drift beyond the threshold, with the amount and the reason', () => {
    const advice = adviseOn(
      valuation({ EQUITY: '62', ETF: '20', BOND: '8', CRYPTO: '3', CASH: '7' }),
      'GROWTH',
      model,
    );
    const [first, ...rest] = advice.recommendations;

    expect(first).toMatchObject({
      kind: 'REBALANCE',
      priority: 'HIGH',
      assetClass: 'EQUITY',
      suggestedAmount: { amount: '-2200.00', currency: 'GBP' },
    });
    expect(first?.rationale).toMatch(/62.00% of the portfolio against a 40.00% target/);
    expect(rest.map((item) => [item.assetClass, item.suggestedAmount?.amount])).toEqual([
      ['ETF', '1500.00'],
      ['BOND', '700.00'],
    ]);
  });

  it('flags a single position above the concentration limit', () => {
    const advice = adviseOn(
      valuation({ EQUITY: '40', ETF: '35', BOND: '15', CRYPTO: '3', CASH: '7' }, [['nvda', '38']]),
      'GROWTH',
      model,
    );
    expect(advice.recommendations).toEqual([
      expect.objectContaining({
        kind: 'REDUCE_CONCENTRATION',
        priority: 'HIGH',
        instrument: { __typename: 'Instrument', id: 'nvda' },
        suggestedAmount: { amount: '-1800.00', currency: 'GBP' },
      }),
    ]);
  });

  it('suggests investing idle cash', () => {
    const advice = adviseOn(
      valuation({ EQUITY: '30', ETF: '30', BOND: '10', CRYPTO: '0', CASH: '30' }),
      'GROWTH',
      model,
    );
    expect(advice.recommendations.map((item) => item.kind)).toContain('INVEST_CASH');
  });
});
