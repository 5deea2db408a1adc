/**
 * `trades`: thousands of market orders in a short window across many users, then proof that
 * every one of them ran exactly once: as many orders as were placed, each ended, each fill
 * booked once in the ledger, no hold left open, and every ledger reconciled.
 */
import { createDatabase, type Knex } from '#shared';
import { reconcile } from '../../subgraphs/portfolio/src/reconciliation.js';
import { verdict } from '../objectives.js';
import { persistedBody, VARIABLES } from '../operations.js';
import { runPhase, type PlannedRequest } from '../runner.js';
import type { ScenarioResult, Session } from '../session.js';
import { classifyMutation } from './mix.js';

export interface TradesOptions {
  orders: number;
  connections: number;
  /** Longest wait for the last order to settle after the last one was placed. */
  settleTimeoutSeconds: number;
  /** The whole window, first order to last settlement. */
  targetSeconds: number;
}

interface RunState {
  orders: number;
  terminal: number;
  filled: number;
  fills: number;
  ledgerEntries: number;
  openHolds: number;
}

/**
 * Reads across trading's and portfolio's schemas in one statement: the services never do that,
 * but the harness checks one against the other, which is the point.
 */
async function readState(db: Knex, keyPrefix: string): Promise<RunState> {
  const result = await db.raw<{ rows: Array<Record<keyof RunState, string>> }>(
    `with run as (select id, status from trading.orders where idempotency_key like ?),
          run_fills as (select f.id from trading.fills f join run on run.id = f.order_id)
     select (select count(*) from run) as orders,
            (select count(*) from run
              where status in ('FILLED', 'CANCELLED', 'REJECTED')) as terminal,
            (select count(*) from run where status = 'FILLED') as filled,
            (select count(*) from run_fills) as fills,
            (select count(*) from portfolio.ledger_entries l
              where l.reference in (select 'fill:' || id from run_fills)) as "ledgerEntries",
            (select count(*) from portfolio.reservations r
              where r.state = 'OPEN' and r.order_id in (select id from run)) as "openHolds"`,
    [`${keyPrefix}%`],
  );
  const row = result.rows[0]!;
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, Number(value)]),
  ) as unknown as RunState;
}

function isSettled(state: RunState): boolean {
  return (
    state.orders > 0 &&
    state.terminal === state.orders &&
    state.ledgerEntries === state.fills &&
    state.openHolds === 0
  );
}

export async function runTrades(session: Session, options: TradesOptions): Promise<ScenarioResult> {
  const { users, databaseUrl } = session.target;
  const runId = `${process.pid}-${Date.now().toString(36)}`;
  const keyPrefix = `load-${runId}-`;
  let sequence = 0;

  // Round robin: each user places orders/users orders, one after another, as a crowd would.
  const plan = (): PlannedRequest => {
    const user = users[sequence % users.length]!;
    const variables = VARIABLES.PlaceOrder!({
      user,
      sequence: ++sequence,
      runId,
      random: Math.random,
    });
    return {
      operation: 'PlaceOrder',
      body: persistedBody('PlaceOrder', variables),
      headers: { authorization: user.authorization },
    };
  };

  const started = Date.now();
  session.log(`placing ${options.orders} market orders over ${options.connections} connections`);
  await runPhase({
    name: 'placing',
    url: session.target.routerUrl,
    connections: options.connections,
    amount: options.orders,
    durationSeconds: options.settleTimeoutSeconds,
    plan,
    classify: classifyMutation,
    recorders: [session.recorder],
    progress: (name) => session.progress(name),
  });
  const placedSeconds = (Date.now() - started) / 1_000;
  const latency = session.recorder.summary();
  const verdicts = [
    verdict('placeOrder p99', '< 500 ms', `${latency.p99Ms.toFixed(1)} ms`, latency.p99Ms < 500),
    verdict('placeOrder errors', '0', String(latency.errors), latency.errors === 0),
  ];

  if (!databaseUrl) {
    verdicts.push(
      verdict('settlement checked', 'database reachable', 'no --database-url given', false),
    );
    return { verdicts, figures: { placedSeconds }, durationSeconds: placedSeconds };
  }

  const db = createDatabase({ url: databaseUrl, schema: 'portfolio', poolMax: 2 });
  try {
    session.log(`placed in ${placedSeconds.toFixed(1)} s; waiting for settlement ...`);
    let state = await readState(db, keyPrefix);
    const deadline = Date.now() + options.settleTimeoutSeconds * 1_000;
    while (!isSettled(state) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      state = await readState(db, keyPrefix);
    }
    const settledSeconds = (Date.now() - started) / 1_000;
    const settled = isSettled(state);

    const portfolioIds = [...new Set(users.map((user) => user.portfolioId))];
    const discrepancies = await reconcile(db, portfolioIds);

    verdicts.push(
      verdict(
        'orders recorded',
        `exactly ${options.orders}`,
        String(state.orders),
        state.orders === options.orders,
      ),
      verdict(
        'all settled',
        'every order ended, booked and released',
        settled ? 'yes' : `no: ${JSON.stringify(state)}`,
        settled,
      ),
      verdict(
        'accepted and settled within',
        `${options.targetSeconds} s`,
        settled ? `${settledSeconds.toFixed(1)} s` : `not within ${settledSeconds.toFixed(1)} s`,
        settled && settledSeconds <= options.targetSeconds,
      ),
      verdict(
        'ledger effects',
        `exactly ${options.orders}`,
        String(state.ledgerEntries),
        state.ledgerEntries === options.orders,
      ),
      verdict(
        'ledgers reconcile',
        '0 discrepancies',
        String(discrepancies.length),
        discrepancies.length === 0,
      ),
    );
    return {
      verdicts,
      figures: {
        placedSeconds: Number(placedSeconds.toFixed(2)),
        settledSeconds: Number(settledSeconds.toFixed(2)),
        state,
        discrepancies: discrepancies.slice(0, 10),
      },
      durationSeconds: placedSeconds,
    };
  } finally {
    await db.destroy();
  }
}
