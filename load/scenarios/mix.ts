/**
 * `mix`: the peak-market mix of persisted operations from many distinct users, at a steady rate
 * and then at ten times that rate, as at market open or in a crash. Every answer must be good:
 * a GraphQL error or a refused order counts as an error.
 */
import { Recorder } from '../metrics.js';
import { sloVerdicts } from '../objectives.js';
import { persistedBody, VARIABLES } from '../operations.js';
import { classifyGraphQL, runPhase, type PlannedRequest } from '../runner.js';
import type { ScenarioResult, Session } from '../session.js';

export interface MixOptions {
  ratePerSecond: number;
  steadySeconds: number;
  burstSeconds: number;
  burstFactor: number;
  /** Most connections the burst may open. */
  connections: number;
}

/** Share of each operation at peak: mostly reads of one's own portfolio and of prices. */
export const PEAK_MIX: ReadonlyArray<readonly [string, number]> = [
  ['PortfolioOverview', 25],
  ['HoldingsWithQuotes', 20],
  ['InstrumentDetail', 20],
  ['MarketSummary', 15],
  ['OrderHistory', 10],
  ['PlaceOrder', 10],
];

export function weightedPicker(weights: ReadonlyArray<readonly [string, number]>) {
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  return (random: number): string => {
    let left = random * total;
    for (const [name, weight] of weights) {
      left -= weight;
      if (left < 0) return name;
    }
    return weights[weights.length - 1]![0];
  };
}

/** A placed order answers with an empty userErrors list; anything else is a refusal. */
export function classifyMutation(operation: string, status: number, body: string) {
  const failure = classifyGraphQL(status, body);
  if (failure || operation !== 'PlaceOrder') return failure;
  if (body.includes('"userErrors":[]')) return undefined;
  const code = /"userErrors":\[\{"code":"([A-Z_]+)"/.exec(body)?.[1];
  return `userError ${code ?? 'unknown'}`;
}

export async function runMix(session: Session, options: MixOptions): Promise<ScenarioResult> {
  const { users } = session.target;
  const pickOperation = weightedPicker(PEAK_MIX);
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  let sequence = 0;

  const plan = (): PlannedRequest => {
    const operation = pickOperation(Math.random());
    const user = users[Math.floor(Math.random() * users.length)]!;
    const variables = VARIABLES[operation]!({
      user,
      sequence: ++sequence,
      runId,
      random: Math.random,
    });
    return {
      operation,
      body: persistedBody(operation, variables),
      headers: { authorization: user.authorization },
    };
  };

  const steady = new Recorder();
  const burst = new Recorder();
  const burstRate = options.ratePerSecond * options.burstFactor;
  const phases = [
    {
      name: 'steady',
      recorder: steady,
      rate: options.ratePerSecond,
      seconds: options.steadySeconds,
    },
    { name: 'burst', recorder: burst, rate: burstRate, seconds: options.burstSeconds },
  ];

  for (const phase of phases) {
    session.log(`${phase.name}: ${phase.rate} req/s for ${phase.seconds} s`);
    await runPhase({
      name: phase.name,
      url: session.target.routerUrl,
      connections: options.connections,
      ratePerSecond: phase.rate,
      durationSeconds: phase.seconds,
      plan,
      classify: classifyMutation,
      recorders: [session.recorder, phase.recorder],
      progress: (name) => session.progress(name),
    });
  }

  const phaseFigure = (recorder: Recorder, seconds: number) => {
    const s = recorder.summary();
    return {
      requests: s.count,
      reqPerSecond: Number((s.count / seconds).toFixed(1)),
      errors: s.errors,
      meanMs: Number(s.meanMs.toFixed(1)),
      p99Ms: Number(s.p99Ms.toFixed(1)),
    };
  };
  return {
    verdicts: [
      ...sloVerdicts(session.recorder.summary()),
      ...sloVerdicts(burst.summary(), 'burst'),
    ],
    figures: {
      steady: phaseFigure(steady, options.steadySeconds),
      burst: phaseFigure(burst, options.burstSeconds),
    },
    durationSeconds: options.steadySeconds + options.burstSeconds,
  };
}
