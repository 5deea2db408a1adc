/**
 * Moneta's service-level objectives and the verdict on each. A verdict names its target and
 * what was measured, so a FAIL line says by how much it missed.
 */
import type { LatencySummary } from './metrics.js';

export interface Verdict {
  objective: string;
  target: string;
  actual: string;
  pass: boolean;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

export function verdict(objective: string, target: string, actual: string, pass: boolean) {
  return { objective, target, actual, pass } satisfies Verdict;
}

/** Mean under 500 ms, p99 under 2 s, 95% of requests under 2 s, and no errors at all. */
export function sloVerdicts(summary: LatencySummary, label = 'latency'): Verdict[] {
  return [
    verdict(`${label} mean`, '< 500 ms', ms(summary.meanMs), summary.meanMs < 500),
    verdict(`${label} p99`, '< 2000 ms', ms(summary.p99Ms), summary.p99Ms < 2_000),
    verdict(
      `${label} share under 2 s`,
      '>= 95%',
      `${(summary.under2sRatio * 100).toFixed(2)}%`,
      summary.count > 0 && summary.under2sRatio >= 0.95,
    ),
    verdict(
      label === 'latency' ? 'errors' : `${label} errors`,
      '0',
      String(summary.errors),
      summary.count > 0 && summary.errors === 0,
    ),
  ];
}
