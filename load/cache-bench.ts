/**
 * `npm run bench:cache`: what the response cache buys. For each public persisted query, in
 * interleaved rounds at the same concurrency: (a) the router answering it from the cache (a GET
 * by documentId), (b) the router computing it (the same text sent ad hoc, which is never
 * cached), and (c) a plain node:http server in a process of its own returning the cached
 * answer's bytes: the ceiling a zero-cost cache would reach on this machine. PASS when cached
 * throughput is at least 10x uncached and cached p99 is under 5 ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Recorder } from './metrics.js';
import { verdict } from './objectives.js';
import { isoDate, persistedBody, persistedSearch, textBody } from './operations.js';
import { table } from './report-text.js';
import { httpRequestOf, runPhase, type PlannedRequest } from './runner.js';
import { createSession, finishSession, log } from './session.js';
import { killAll } from './stack.js';
import { openTarget, type Target } from './target.js';

/** Public persisted queries, with variables fixed so that every request shares one answer. */
const CATALOGUE: Readonly<Record<string, Record<string, unknown>>> = {
  MarketSummary: {},
  // The instrument screen: quote (a one-second TTL, so about one miss a second), a month of bars.
  InstrumentDetail: { symbol: 'AAPL', from: isoDate(30), to: isoDate(0) },
  SearchInstruments: { text: 'B', limit: 10 },
};

type Kind = 'cached' | 'uncached' | 'ceiling';
const KINDS: readonly Kind[] = ['cached', 'uncached', 'ceiling'];

const HELP = `usage: npm run bench:cache -- [options]

  --url <url>          router /graphql on loopback; default: start a stack on a fresh database
  --operations <list>  comma-separated, of ${Object.keys(CATALOGUE).join(', ')}
                       (default MarketSummary,InstrumentDetail: the public screens of the mix)
  --rounds <n>         interleaved rounds (default 3)
  --seconds <s>        seconds per operation and target in each round (default 5)
  --connections <n>    concurrent connections (default 50)
  --profile <dir>      with a started stack: run every service under node --cpu-prof, each
                       into <dir>/<service>
  --deadline <s>       hard stop for the whole run (default 600)
`;

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    operations: { type: 'string', default: 'MarketSummary,InstrumentDetail' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    deadline: { type: 'string', default: '600' },
    profile: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function count(name: 'rounds' | 'seconds' | 'connections' | 'deadline', max: number) {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    process.stderr.write(`--${name} must be a whole number from 1 to ${max}.\n\n${HELP}`);
    process.exit(2);
  }
  return value;
}

const options = {
  rounds: count('rounds', 20),
  seconds: count('seconds', 120),
  connections: count('connections', 1_000),
  deadline: count('deadline', 7_200),
};

const OPERATIONS = values.operations.split(',').map((name) => {
  const variables = CATALOGUE[name.trim()];
  if (!variables) {
    process.stderr.write(`--operations: ${name} is not one of the public queries.\n\n${HELP}`);
    process.exit(2);
  }
  return { name: name.trim(), variables };
});

const deadline = setTimeout(() => {
  log(`hard deadline of ${options.deadline} s reached: killing everything and stopping`);
  killAll();
  process.exit(3);
}, options.deadline * 1_000);
deadline.unref();

/** Starts the ceiling process (`ceiling-server.ts`) serving `bodies`; resolves its port. */
async function startCeiling(bodies: string[]): Promise<{ port: number; child: ChildProcess }> {
  const child = fork(fileURLToPath(new URL('./ceiling-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the ceiling server exited (${code})`)));
    child.send({ bodies });
  });
  return { port, child };
}

async function fetchBody(url: string, body: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body,
  });
  return response.text();
}

/**
 * One request of a cell, sent outside the load: the answer must be good (and, for the cached
 * cell, a cache hit) before and after the cell, since the load itself reads statuses only.
 */
async function checkCell(kind: Kind, url: string, planned: PlannedRequest): Promise<void> {
  // A short TTL (a quote's second) may just have ended: the next request is a hit again.
  for (let attempt = 1; ; attempt += 1) {
    const problem = await cellProblem(kind, url, planned);
    if (!problem) return;
    if (attempt === 3) throw new Error(`${kind} ${planned.operation}: ${problem}`);
  }
}

async function cellProblem(
  kind: Kind,
  url: string,
  planned: PlannedRequest,
): Promise<string | undefined> {
  const target = new URL(url);
  const { method, path, headers, body } = httpRequestOf(target, planned);
  const response = await fetch(new URL(path, target), { method, headers, body });
  const text = await response.text();
  return response.status !== 200
    ? `status ${response.status}`
    : text.includes('"errors"')
      ? `errors: ${text.slice(0, 200)}`
      : kind === 'cached' && response.headers.get('x-cache') !== 'hit'
        ? `x-cache ${response.headers.get('x-cache')}`
        : undefined;
}

let target: Target | undefined;
let ceiling: ChildProcess | undefined;
let exitCode = 1;
try {
  target = await openTarget({
    url: values.url,
    users: 1,
    profileDir: values.profile,
    log,
  });
  const answers: string[] = [];
  for (const { name, variables } of OPERATIONS) {
    const answer = await fetchBody(target.routerUrl, persistedBody(name, variables));
    if (answer.includes('"errors"')) throw new Error(`${name} failed: ${answer.slice(0, 300)}`);
    answers.push(answer);
  }
  const started = await startCeiling(answers);
  ceiling = started.child;
  const ceilingUrls = new Map(
    OPERATIONS.map(({ name }, index) => [
      name,
      `http://127.0.0.1:${started.port}/${index}/graphql`,
    ]),
  );
  log('ceiling server ready');

  const session = createSession(target);
  const cells = new Map<string, { recorder: Recorder; seconds: number }>();
  const urlOf = (kind: Kind, name: string) =>
    kind === 'ceiling' ? ceilingUrls.get(name)! : target!.routerUrl;

  for (const round of [0, ...Array.from({ length: options.rounds }, (_, i) => i + 1)]) {
    const seconds = round === 0 ? 1 : options.seconds;
    log(round === 0 ? 'warming up ...' : `round ${round} of ${options.rounds}`);
    for (const { name, variables } of OPERATIONS) {
      for (const kind of KINDS) {
        const key = `${kind} ${name}`;
        const cell = cells.get(key) ?? { recorder: new Recorder(), seconds: 0 };
        // Cached and ceiling: a GET of the persisted query, as a mobile app sends it.
        const planned =
          kind === 'uncached'
            ? { operation: name, body: textBody(name, variables), headers: {} }
            : { operation: name, body: '', search: persistedSearch(name, variables), headers: {} };
        await checkCell(kind, urlOf(kind, name), planned);
        await runPhase({
          name: `round ${round} ${key}`,
          url: urlOf(kind, name),
          connections: options.connections,
          durationSeconds: seconds,
          plan: () => planned,
          fixed: true,
          recorders: round === 0 ? [] : [session.recorder, cell.recorder],
          progress: (phase) => session.progress(phase),
        });
        await checkCell(kind, urlOf(kind, name), planned);
        if (round > 0) cells.set(key, { recorder: cell.recorder, seconds: cell.seconds + seconds });
      }
    }
    if (round === 0) {
      session.resetRecorder();
      session.sampler.start();
    }
  }

  const rows: string[][] = [];
  const figures: Record<string, unknown> = {};
  const verdicts = [];
  for (const { name } of OPERATIONS) {
    const stats = Object.fromEntries(
      KINDS.map((kind) => {
        const cell = cells.get(`${kind} ${name}`)!;
        const summary = cell.recorder.summary();
        return [kind, { rate: summary.count / cell.seconds, summary }];
      }),
    ) as Record<Kind, { rate: number; summary: ReturnType<Recorder['summary']> }>;
    for (const kind of KINDS) {
      const { rate, summary } = stats[kind];
      rows.push([
        name,
        kind,
        rate.toFixed(0),
        summary.p50Ms.toFixed(2),
        summary.p99Ms.toFixed(2),
        String(summary.errors),
      ]);
    }
    const speedup = stats.cached.rate / stats.uncached.rate;
    const ofCeiling = stats.cached.rate / stats.ceiling.rate;
    figures[name] = {
      cachedPerSecond: Number(stats.cached.rate.toFixed(0)),
      uncachedPerSecond: Number(stats.uncached.rate.toFixed(0)),
      ceilingPerSecond: Number(stats.ceiling.rate.toFixed(0)),
      cachedP99Ms: Number(stats.cached.summary.p99Ms.toFixed(2)),
      uncachedP99Ms: Number(stats.uncached.summary.p99Ms.toFixed(2)),
      cachedOverUncached: Number(speedup.toFixed(1)),
      cachedOverCeiling: Number(ofCeiling.toFixed(2)),
    };
    verdicts.push(
      verdict(
        `${name}: cached over uncached throughput`,
        '>= 10x',
        `${speedup.toFixed(1)}x`,
        speedup >= 10,
      ),
      verdict(
        `${name}: cached p99`,
        '< 5 ms',
        `${stats.cached.summary.p99Ms.toFixed(2)} ms`,
        stats.cached.summary.p99Ms < 5,
      ),
    );
  }
  process.stdout.write(
    `\n${table(['operation', 'target', 'req/s', 'p50 ms', 'p99 ms', 'errors'], rows)}\n` +
      Object.entries(figures)
        .map(([name, f]) => {
          const { cachedOverUncached, cachedOverCeiling } = f as Record<string, number>;
          const ratios = `cached/uncached ${cachedOverUncached}x`;
          return `${name}: ${ratios}, cached/ceiling ${cachedOverCeiling}x`;
        })
        .join('\n') +
      '\n',
  );

  const errors = session.recorder.summary().errors;
  const report = finishSession(
    session,
    'bench-cache',
    { ...options, url: values.url },
    {
      verdicts: [...verdicts, verdict('errors', '0', String(errors), errors === 0)],
      figures,
      durationSeconds: [...cells.values()].reduce((sum, cell) => sum + cell.seconds, 0),
    },
  );
  exitCode = report.pass ? 0 : 1;
} catch (error) {
  log(`bench failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  ceiling?.kill();
  await target?.close();
}
process.exit(exitCode);
