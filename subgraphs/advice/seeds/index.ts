import { portfolioId, userId } from '#demo';
import { toCount, type Knex } from '#shared';

/** Target allocations, in percent, for each risk profile. Each row sums to 100. */
export const MODEL_ALLOCATIONS: Record<string, Record<string, string>> = {
  CONSERVATIVE: { EQUITY: '15', ETF: '20', BOND: '55', CRYPTO: '0', CASH: '10' },
  BALANCED: { EQUITY: '25', ETF: '35', BOND: '30', CRYPTO: '0', CASH: '10' },
  GROWTH: { EQUITY: '40', ETF: '35', BOND: '15', CRYPTO: '3', CASH: '7' },
  ADVENTUROUS: { EQUITY: '45', ETF: '20', BOND: '5', CRYPTO: '25', CASH: '5' },
};

const DEMO_PROFILES = [
  { user: 'alice', portfolio: 'alice-isa', profile: 'GROWTH' },
  { user: 'alice', portfolio: 'alice-crypto', profile: 'ADVENTUROUS' },
  { user: 'bob', portfolio: 'bob-main', profile: 'BALANCED' },
  { user: 'carol', portfolio: 'carol-pension', profile: 'CONSERVATIVE' },
];

/** Model allocations and the demo users' chosen risk profiles; only into an empty schema. */
export async function seedAdvice(db: Knex): Promise<boolean> {
  const [existing] = await db('model_allocations').count({ count: '*' });
  if (toCount(existing?.count) > 0) return false;

  await db.transaction(async (trx) => {
    const rows = Object.entries(MODEL_ALLOCATIONS).flatMap(([profile, weights]) =>
      Object.entries(weights).map(([assetClass, weight]) => ({
        profile,
        asset_class: assetClass,
        weight,
      })),
    );
    await trx('model_allocations').insert(rows);
    await trx('risk_profiles').insert(
      DEMO_PROFILES.map(({ user, portfolio, profile }) => ({
        portfolio_id: portfolioId(portfolio),
        user_id: userId(user),
        profile,
      })),
    );
  });
  return true;
}
