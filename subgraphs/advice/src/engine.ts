import { Decimal, toFixed } from '#shared';

export type RiskProfile = 'CONSERVATIVE' | 'BALANCED' | 'GROWTH' | 'ADVENTUROUS';
export type Priority = 'HIGH' | 'MEDIUM' | 'LOW';

/** The slice of a portfolio's valuation that advice needs, as the portfolio subgraph sent it. */
export interface ValuationInput {
  totalValue: { amount: string; currency: string };
  allocation: { assetClass: string; weight: string }[];
  positions: { instrument: { id: string }; weight: string }[];
}

/** A portfolio as advice receives it: the id and the valuation the query planner required. */
export interface PortfolioWithValuation {
  id: string;
  valuation?: ValuationInput | null;
}

export interface Recommendation {
  kind: 'REBALANCE' | 'REDUCE_CONCENTRATION' | 'INVEST_CASH' | 'HOLD';
  priority: Priority;
  title: string;
  rationale: string;
  assetClass: string | null;
  instrument: { __typename: 'Instrument'; id: string } | null;
  suggestedAmount: { amount: string; currency: string } | null;
}

export interface AdviceResult {
  riskProfile: RiskProfile;
  targetAllocation: { assetClass: string; weight: string; currentWeight: string }[];
  recommendations: Recommendation[];
  summary: string;
  generatedAt: Date;
}

/** Drift from target, in percentage points, that is worth acting on. */
export const REBALANCE_THRESHOLD = 5;
/** A single position above this share of the portfolio is a concentration risk. */
export const CONCENTRATION_LIMIT = 20;

const LABELS: Record<string, string> = {
  EQUITY: 'Shares',
  ETF: 'Funds',
  BOND: 'Bonds',
  CRYPTO: 'Crypto',
  CASH: 'Cash',
};

const PRIORITY_ORDER: Record<Priority, number> = { HIGH: 0, MEDIUM: 1, LOW: 2 };

const points = (value: Decimal) => `${toFixed(value.abs(), 1)} points`;

/**
 * Rule-based advice from a portfolio's real valuation against its risk profile's model: drift
 * per asset class, single-position concentration, and idle cash. Every recommendation carries
 * the figures that triggered it.
 */
export function adviseOn(
  valuation: ValuationInput,
  profile: RiskProfile,
  model: Record<string, string>,
  now = new Date(),
): AdviceResult {
  const currency = valuation.totalValue.currency;
  const total = new Decimal(valuation.totalValue.amount);
  const current = new Map(valuation.allocation.map((slice) => [slice.assetClass, slice.weight]));
  const classes = [...new Set([...Object.keys(model), ...current.keys()])];

  const targetAllocation = classes.map((assetClass) => ({
    assetClass,
    weight: toFixed(new Decimal(model[assetClass] ?? 0), 2),
    currentWeight: toFixed(new Decimal(current.get(assetClass) ?? 0), 2),
  }));

  const recommendations: Recommendation[] = [];
  for (const { assetClass, weight, currentWeight } of targetAllocation) {
    const drift = new Decimal(currentWeight).minus(weight);
    if (drift.abs().lt(REBALANCE_THRESHOLD)) continue;

    const amount = total.times(drift).div(100).negated();
    const label = LABELS[assetClass] ?? assetClass;
    const over = drift.isPositive();
    const isCash = assetClass === 'CASH';
    recommendations.push({
      kind: isCash && over ? 'INVEST_CASH' : 'REBALANCE',
      priority: drift.abs().gte(15) ? 'HIGH' : drift.abs().gte(10) ? 'MEDIUM' : 'LOW',
      title: over
        ? isCash
          ? 'Put idle cash to work'
          : `Reduce ${label.toLowerCase()}`
        : `Add to ${label.toLowerCase()}`,
      rationale:
        `${label} are ${currentWeight}% of the portfolio against a ${weight}% target for a ` +
        `${profile.toLowerCase()} profile, ${points(drift)} ${over ? 'over' : 'under'}. ` +
        `${over ? 'Selling' : 'Buying'} about ${toFixed(amount.abs(), 2)} ${currency} ` +
        `brings them back to target.`,
      assetClass,
      instrument: null,
      suggestedAmount: { amount: toFixed(amount, 2), currency },
    });
  }

  for (const position of valuation.positions) {
    const weight = new Decimal(position.weight);
    if (weight.lte(CONCENTRATION_LIMIT)) continue;
    const excess = total.times(weight.minus(CONCENTRATION_LIMIT)).div(100);
    recommendations.push({
      kind: 'REDUCE_CONCENTRATION',
      priority: weight.gte(35) ? 'HIGH' : 'MEDIUM',
      title: 'Reduce a concentrated position',
      rationale:
        `One holding is ${toFixed(weight, 2)}% of the portfolio; above ${CONCENTRATION_LIMIT}% ` +
        `a single company or coin can move the whole portfolio. Selling about ` +
        `${toFixed(excess, 2)} ${currency} brings it to ${CONCENTRATION_LIMIT}%.`,
      assetClass: null,
      instrument: { __typename: 'Instrument', id: position.instrument.id },
      suggestedAmount: { amount: toFixed(excess.negated(), 2), currency },
    });
  }

  recommendations.sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority]);
  if (recommendations.length === 0) {
    recommendations.push({
      kind: 'HOLD',
      priority: 'LOW',
      title: 'Stay the course',
      rationale:
        `Every asset class is within ${REBALANCE_THRESHOLD} points of the ` +
        `${profile.toLowerCase()} ` +
        `model and no holding exceeds ${CONCENTRATION_LIMIT}% of the portfolio.`,
      assetClass: null,
      instrument: null,
      suggestedAmount: null,
    });
  }

  return {
    riskProfile: profile,
    targetAllocation,
    recommendations,
    summary: summarize(recommendations, profile, total, currency),
    generatedAt: now,
  };
}

function summarize(
  recommendations: Recommendation[],
  profile: RiskProfile,
  total: Decimal,
  currency: string,
): string {
  const actionable = recommendations.filter((item) => item.kind !== 'HOLD');
  const worth = `${toFixed(total, 2)} ${currency}`;
  if (actionable.length === 0) {
    return `Your portfolio of ${worth} matches its ${profile.toLowerCase()} model; nothing to do.`;
  }
  const high = actionable.filter((item) => item.priority === 'HIGH').length;
  return (
    `Your portfolio of ${worth} has ${actionable.length} suggestion` +
    `${actionable.length === 1 ? '' : 's'} against its ${profile.toLowerCase()} model` +
    `${high > 0 ? `, ${high} of them high priority` : ''}. First: ${actionable[0]?.title}.`
  );
}
