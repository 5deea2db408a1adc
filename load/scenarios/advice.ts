/**
 * `advice`: mass re-evaluation of every portfolio's advice. Advice is computed on request today;
 * a re-evaluation of all portfolios only means something once advice runs on a work queue, and
 * the scenario belongs to that change.
 */
export const ADVICE_UNAVAILABLE =
  'advice: not available until advice runs on a queue. Mass re-evaluation of all portfolios ' +
  'needs a work queue to fill and drain; the advice subgraph computes on request only, so ' +
  'there is nothing to measure yet (issue 5, scenario list).';
