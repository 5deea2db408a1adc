import { computePerformance, weekdays, type LedgerMovement } from '../src/performance.js';

const deposit = (date: string, cash: number): LedgerMovement => ({
  date,
  kind: 'DEPOSIT',
  instrumentId: null,
  quantity: 0,
  cash,
});

const buy = (date: string, id: string, quantity: number, cost: number): LedgerMovement => ({
  date,
  kind: 'BUY',
  instrumentId: id,
  quantity,
  cash: -cost,
});

describe('weekdays', () => {
  it('skips weekends', () => {
    // 2026-11-27 is a Friday.
    expect(weekdays('2026-11-27', '2026-12-01')).toEqual([
      '2026-11-27',
      '2026-11-30',
      '2026-12-01',
    ]);
  });
});

describe('computePerformance', () => {
  const closes = new Map([
    [
      'x',
      [
        { date: '2026-11-30', close: 10 },
        { date: '2026-12-01', close: 11 },
        { date: '2026-12-02', close: 9.9 },
        { date: '2026-12-03', close: 12.1 },
      ],
    ],
  ]);

  it('measures return, drawdown and volatility from positions and closes', () => {
    const result = computePerformance({
      from: '2026-11-30',
      to: '2026-12-03',
      movements: [deposit('2026-11-01', 1000), buy('2026-11-02', 'x', 100, 1000)],
      closes,
    });

    expect(result.series.map((point) => point.value)).toEqual([1000, 1100, 990, 1210]);
    expect(result.timeWeightedReturn).toBeCloseTo(0.21, 10);
    expect(result.maxDrawdown).toBeCloseTo(0.1, 10);
    expect(result.annualizedVolatility).toBeGreaterThan(0);
  });

  it('does not count a deposit as performance', () => {
    const result = computePerformance({
      from: '2026-11-30',
      to: '2026-12-03',
      movements: [
        deposit('2026-11-01', 1000),
        buy('2026-11-02', 'x', 100, 1000),
        deposit('2026-12-02', 5000),
      ],
      closes,
    });

    // Day 3: 990 of holdings plus 5 000 deposited; the return that day is still -10%.
    expect(result.series[2]?.value).toBe(5990);
    expect(result.series[2]?.index).toBeCloseTo(1.1 * 0.9, 10);
    // Day 4: the new cash earns nothing, so it dilutes the day's gain.
    expect(result.timeWeightedReturn).toBeCloseTo(1.1 * 0.9 * (6210 / 5990) - 1, 10);
  });

  it('is flat for cash alone', () => {
    const result = computePerformance({
      from: '2026-11-30',
      to: '2026-12-03',
      movements: [deposit('2026-11-01', 1000)],
      closes: new Map(),
    });
    expect(result.timeWeightedReturn).toBe(0);
    expect(result.maxDrawdown).toBe(0);
    expect(result.annualizedVolatility).toBe(0);
  });
});
