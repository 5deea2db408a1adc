/**
 * `npm run load -- <scenario> [options]`: drives the peak-market scenarios against a stack on
 * loopback, started here unless --url names one, prints a report with PASS/FAIL per objective
 * and writes JSON and HTML under load/reports/. Exit code 0 on PASS, 1 on FAIL, 2 on a usage
 * error, 3 when the hard deadline stopped the run.
 */
import { parseArgs } from 'node:util';
import { ADVICE_UNAVAILABLE } from './scenarios/advice.js';
import { runMix } from './scenarios/mix.js';
import { runSubscriptions } from './scenarios/subscriptions.js';
import { runTrades } from './scenarios/trades.js';
import { createSession, finishSession, log, type ScenarioResult, type Session } from './session.js';
import { killAll } from './stack.js';
import { openTarget, type Target } from './target.js';

const HELP = `usage: npm run load -- <scenario> [options]

scenarios
  mix            persisted operations at peak-market weights from many users: a steady phase at
                 --rate req/s, then a burst at --burst-factor times that rate
  trades         --orders market orders across --users users, then waits until all settle and
                 checks orders, ledger effects and reconciliation
  subscriptions  --subscribers graphql-ws clients subscribed to quotes: tick-to-client latency
                 and router memory per subscription
  advice         not available until advice runs on a queue (exits 2)

target
  --url <url>           router /graphql on loopback; default: start a stack on a fresh database
  --database-url <url>  with --url: the stack's database, for the trades checks
  --users <n>           generated users to seed and act as (default 1000; trades: 500)
  --profile <dir>       with a started stack: run every service under node --cpu-prof, each
                        into <dir>/<service>

mix
  --rate <n>            steady requests per second (default 10)
  --steady <s>          steady phase seconds (default 20)
  --burst <s>           burst phase seconds (default 10)
  --burst-factor <n>    burst rate multiple (default 10)
  --connections <n>     most connections (default 100)

trades
  --orders <n>          orders to place (default 5000)
  --connections <n>     concurrent connections (default 100)
  --settle-timeout <s>  longest wait for settlement (default 120)

subscriptions
  --subscribers <n>     concurrent clients (default 5000)
  --symbols <n>         symbols each client watches (default 1)
  --duration <s>        seconds to listen (default 15)

  --deadline <s>        hard stop for the whole run, set-up included (default 600)
  --help
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    'database-url': { type: 'string' },
    users: { type: 'string' },
    profile: { type: 'string' },
    rate: { type: 'string', default: '10' },
    steady: { type: 'string', default: '20' },
    burst: { type: 'string', default: '10' },
    'burst-factor': { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    orders: { type: 'string', default: '5000' },
    'settle-timeout': { type: 'string', default: '120' },
    subscribers: { type: 'string', default: '5000' },
    symbols: { type: 'string', default: '1' },
    duration: { type: 'string', default: '15' },
    deadline: { type: 'string', default: '600' },
    help: { type: 'boolean', default: false },
  },
});

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n\n`);
  process.stderr.write(HELP);
  process.exit(message ? 2 : 0);
}

/** A whole number within bounds, or a usage error naming the option. */
function count(name: keyof typeof values, min: number, max: number, fallback?: string): number {
  const raw = values[name] ?? fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    usage(`--${name} must be a whole number from ${min} to ${max}; got "${String(raw)}".`);
  }
  return value;
}

const scenario = positionals[0];
if (values.help) usage();
if (!scenario) usage('Name a scenario: mix, trades, subscriptions or advice.');
if (scenario === 'advice') {
  process.stderr.write(`${ADVICE_UNAVAILABLE}\n`);
  process.exit(2);
}
if (!['mix', 'trades', 'subscriptions'].includes(scenario)) {
  usage(`Unknown scenario "${scenario}": use mix, trades, subscriptions or advice.`);
}

const options = {
  users: count('users', 1, 100_000, scenario === 'trades' ? '500' : '1000'),
  rate: count('rate', 1, 10_000),
  steady: count('steady', 1, 600),
  burst: count('burst', 0, 600),
  burstFactor: count('burst-factor', 1, 100),
  connections: count('connections', 1, 2_000),
  orders: count('orders', 1, 100_000),
  settleTimeout: count('settle-timeout', 1, 3_600),
  subscribers: count('subscribers', 1, 50_000),
  symbols: count('symbols', 1, 50),
  duration: count('duration', 1, 3_600),
  deadline: count('deadline', 10, 7_200),
};

let target: Target | undefined;

// However the run goes, it ends by this time: services killed, the process gone.
const deadline = setTimeout(() => {
  log(`hard deadline of ${options.deadline} s reached: killing the stack and stopping`);
  killAll();
  process.exit(3);
}, options.deadline * 1_000);
deadline.unref();

process.on('SIGINT', () => {
  log('interrupted: stopping the stack');
  void (target?.close() ?? Promise.resolve()).finally(() => process.exit(130));
});

async function run(session: Session): Promise<ScenarioResult> {
  switch (scenario) {
    case 'mix':
      return runMix(session, {
        ratePerSecond: options.rate,
        steadySeconds: options.steady,
        burstSeconds: options.burst,
        burstFactor: options.burstFactor,
        connections: options.connections,
      });
    case 'trades':
      return runTrades(session, {
        orders: options.orders,
        connections: options.connections,
        settleTimeoutSeconds: options.settleTimeout,
        targetSeconds: 10,
      });
    default:
      return runSubscriptions(session, {
        subscribers: options.subscribers,
        durationSeconds: options.duration,
        symbolsPerSubscriber: options.symbols,
      });
  }
}

let exitCode = 1;
try {
  target = await openTarget({
    url: values.url,
    databaseUrl: values['database-url'],
    users: options.users,
    profileDir: values.profile,
    log,
  });
  const session = createSession(target);
  session.sampler.start();
  const result = await run(session);
  const report = finishSession(session, scenario, { ...options, url: values.url }, result);
  exitCode = report.pass ? 0 : 1;
} catch (error) {
  log(`load ${scenario} failed: ${(error as Error).stack ?? String(error)}`);
  exitCode = 1;
} finally {
  await target?.close();
}
process.exit(exitCode);
