/**
 * Portfolio performance over a date range from its ledger and daily closes. Values are
 * reconstructed per weekday; returns are ratios, so binary floats in typed arrays are the right
 * tool here (money itself never passes through this module's output).
 */

export interface LedgerMovement {
  /** `YYYY-MM-DD` (UTC) of the entry. */
  date: string;
  kind: string;
  instrumentId: string | null;
  quantity: number;
  /** Signed change of cash, base currency. */
  cash: number;
}

export interface PerformanceInput {
  from: string;
  to: string;
  /** Every ledger movement up to `to`, oldest first. */
  movements: readonly LedgerMovement[];
  /** Daily closes per instrument, oldest first, already in the base currency. */
  closes: ReadonlyMap<string, readonly { date: string; close: number }[]>;
}

export interface PerformanceResult {
  from: string;
  to: string;
  days: number;
  /** Time-weighted return over the range, as a fraction (0.0523 = 5.23%). */
  timeWeightedReturn: number;
  /** Standard deviation of daily returns, annualised over 252 trading days. */
  annualizedVolatility: number;
  /** Largest fall from a peak of the return index, as a positive fraction. */
  maxDrawdown: number;
  /** Portfolio value at each weekday's close. */
  series: { date: string; value: number; index: number }[];
}

const DAY_MS = 86_400_000;

/** Weekdays from `from` to `to`, inclusive. */
export function weekdays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let time = Date.parse(from); time <= Date.parse(to); time += DAY_MS) {
    const weekday = new Date(time).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(time).toISOString().slice(0, 10));
  }
  return days;
}

export function computePerformance(input: PerformanceInput): PerformanceResult {
  const days = weekdays(input.from, input.to);
  const count = days.length;
  const values = new Float64Array(count);
  const flows = new Float64Array(count);

  // Walk days and movements together: positions and cash as of each day's close.
  const positions = new Map<string, number>();
  const lastClose = new Map<string, number>();
  const closeCursor = new Map<string, number>();
  let cash = 0;
  let next = 0;
  for (let day = 0; day < count; day++) {
    const date = days[day] as string;
    while (
      next < input.movements.length &&
      (input.movements[next] as LedgerMovement).date <= date
    ) {
      const movement = input.movements[next] as LedgerMovement;
      cash += movement.cash;
      if (movement.instrumentId && (movement.kind === 'BUY' || movement.kind === 'SELL')) {
        const signed = movement.kind === 'BUY' ? movement.quantity : -movement.quantity;
        positions.set(movement.instrumentId, (positions.get(movement.instrumentId) ?? 0) + signed);
      }
      // Deposits and withdrawals on or after the first day are external flows, not returns.
      if (
        (movement.kind === 'DEPOSIT' || movement.kind === 'WITHDRAWAL') &&
        movement.date >= input.from
      ) {
        flows[day] = (flows[day] as number) + movement.cash;
      }
      next++;
    }

    let value = cash;
    for (const [instrumentId, quantity] of positions) {
      if (quantity === 0) continue;
      const bars = input.closes.get(instrumentId) ?? [];
      let cursor = closeCursor.get(instrumentId) ?? 0;
      while (cursor < bars.length && (bars[cursor] as { date: string }).date <= date) {
        lastClose.set(instrumentId, (bars[cursor] as { close: number }).close);
        cursor++;
      }
      closeCursor.set(instrumentId, cursor);
      value += quantity * (lastClose.get(instrumentId) ?? 0);
    }
    values[day] = value;
  }

  const returns = new Float64Array(Math.max(0, count - 1));
  const index = new Float64Array(count);
  if (count > 0) index[0] = 1;
  for (let day = 1; day < count; day++) {
    const previous = values[day - 1] as number;
    const change =
      previous > 0 ? ((values[day] as number) - (flows[day] as number)) / previous - 1 : 0;
    returns[day - 1] = change;
    index[day] = (index[day - 1] as number) * (1 + change);
  }

  let mean = 0;
  for (const change of returns) mean += change;
  mean /= returns.length || 1;
  let variance = 0;
  for (const change of returns) variance += (change - mean) ** 2;
  variance /= Math.max(1, returns.length - 1);

  let peak = Number.NEGATIVE_INFINITY;
  let maxDrawdown = 0;
  for (const level of index) {
    peak = Math.max(peak, level);
    maxDrawdown = Math.max(maxDrawdown, peak > 0 ? (peak - level) / peak : 0);
  }

  return {
    from: input.from,
    to: input.to,
    days: count,
    timeWeightedReturn: count > 0 ? (index[count - 1] as number) - 1 : 0,
    annualizedVolatility: Math.sqrt(variance) * Math.sqrt(252),
    maxDrawdown,
    series: days.map((date, day) => ({
      date,
      value: values[day] as number,
      index: index[day] as number,
    })),
  };
}
