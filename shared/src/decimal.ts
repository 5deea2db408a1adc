import { Decimal as DecimalJs } from 'decimal.js';

/**
 * Exact decimal arithmetic for money and quantities. Forty significant digits and banker's
 * rounding: sums of many rounded amounts do not drift in one direction.
 */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_EVEN });
export type Decimal = InstanceType<typeof Decimal>;

const DECIMAL_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?$/;

export function isDecimalText(value: string): boolean {
  return DECIMAL_TEXT.test(value);
}

/** Counts the digits after the decimal point of a decimal written as text. */
export function scaleOf(value: string): number {
  const dot = value.indexOf('.');
  return dot === -1 ? 0 : value.length - dot - 1;
}

/** Rounds to `places` digits and prints without exponent, e.g. `toFixed(d, 2)` → "12.30". */
export function toFixed(value: Decimal, places: number): string {
  return value.toDecimalPlaces(places).toFixed(places);
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = new Decimal(0);
  for (const value of values) total = total.plus(value);
  return total;
}
