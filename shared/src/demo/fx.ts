import { Decimal } from '../decimal.js';
import { FX_RATES } from './instruments.js';

/** Units of `to` per unit of `from`, from the seed's cross rates (demo data only). */
export function demoFxRate(from: string, to: string): Decimal {
  if (from === to) return new Decimal(1);
  const direct = FX_RATES.find((rate) => rate.base === from && rate.quote === to);
  if (direct) return new Decimal(direct.rate);
  const inverse = FX_RATES.find((rate) => rate.base === to && rate.quote === from);
  if (inverse) return new Decimal(1).div(inverse.rate);
  throw new Error(`No demo FX rate from ${from} to ${to}.`);
}
