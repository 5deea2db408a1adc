import { seededRandom } from '../random.js';
import { INSTRUMENTS, type InstrumentSeed } from './instruments.js';

export interface GeneratedHolding {
  instrument: InstrumentSeed;
  quantity: string;
  price: string;
}

export interface GeneratedUser {
  username: string;
  displayName: string;
  portfolioKey: string;
  deposit: string;
  holdings: GeneratedHolding[];
}

/** `loadtest-000042`: zero-padded so that names sort in creation order. */
export function generatedUsername(index: number): string {
  return `loadtest-${String(index).padStart(6, '0')}`;
}

/**
 * The index-th synthetic user for load tests: a GBP portfolio with three to eight holdings
 * bought near the reference price. The same index always yields the same user.
 */
export function generatedUser(index: number): GeneratedUser {
  const random = seededRandom(`generated-user:${index}`);
  const username = generatedUsername(index);
  const count = 3 + Math.floor(random() * 6);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * INSTRUMENTS.length));

  const holdings = [...picked].map((position) => {
    const instrument = INSTRUMENTS[position] as InstrumentSeed;
    const unitPrice = Number(instrument.price) * (0.8 + random() * 0.3);
    const budget = 500 + random() * 2_000;
    const decimals = instrument.assetClass === 'CRYPTO' ? 6 : 0;
    const quantity = Math.max(budget / unitPrice, decimals === 0 ? 1 : 0.0001);
    return {
      instrument,
      quantity: quantity.toFixed(decimals),
      price: unitPrice.toFixed(4),
    };
  });

  return {
    username,
    displayName: `Load Test ${index}`,
    portfolioKey: `${username}-main`,
    deposit: '100000.00',
    holdings,
  };
}
