/**
 * `npm run bench`: the same uncached operations, sent as full query text so that no response
 * cache answers them, interleaved in rounds against (a) our router, (b) a plain Apollo Gateway
 * on Apollo Server over the same subgraphs and supergraph, and (c) the owning subgraph itself
 * for single-subgraph operations: the floor a zero-overhead router would reach. PASS when the
 * router's throughput is at least 1.5x the gateway's (geometric mean over the operations).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findFreePort } from '#shared';
import { waitUntilReady } from '../scripts/stack.js';
import type { SubgraphName } from '../scripts/subgraphs.js';
import { Recorder } from './metrics.js';
import { verdict } from './objectives.js';
import { textBody, VARIABLES } from './operations.js';
import { runPhase, type PlannedRequest } from './runner.js';
import { table } from './report-text.js';
import { createSession, finishSession, log } from './session.js';
import { killAll } from './stack.js';
import { openTarget, type Target } from './target.js';
import type { LoadUser } from './users.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Operations benchmarked, and the subgraph that alone answers each single-subgraph one. */
const BENCH_OPERATIONS: ReadonlyArray<{ name: string; owner?: SubgraphName }> = [
  { name: 'PortfolioOverview', owner: 'portfolio' },
  { name: 'InstrumentDetail', owner: 'market' },
  { name: 'HoldingsWithQuotes' },
  { name: 'OrderHistory' },
];

type BenchTarget = 'router' | 'gateway' | 'subgraph';

const HELP = `usage: npm run bench -- [options]

  --url <url>          router /graphql on loopback (subgraphs assumed on 4001-4004);
                       default: start a stack on a fresh database
  --users <n>          generated users to act as (default 200)
  --rounds <n>         interleaved rounds (default 3)
  --seconds <s>        seconds per operation and target in each round (default 3)
  --connections <n>    concurrent connections (default 50)
  --operations <list>  comma-separated subset of ${BENCH_OPERATIONS.map((o) => o.name).join(', ')}
                       (default all)
  --profile <dir>      with a started stack: run every service under node --cpu-prof into
                       <dir>/<service>, and the plain gateway into <dir>/gateway
  --deadline <s>       hard stop for the whole run (default 600)
`;

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    users: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    operations: { type: 'string' },
    profile: { type: 'string' },
    deadline: { type: 'string', default: '600' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function count(name: 'users' | 'rounds' | 'seconds' | 'connections' | 'deadline', max: number) {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    process.stderr.write(`--${name} must be a whole number from 1 to ${max}.\n\n${HELP}`);
    process.exit(2);
  }
  return value;
}

const options = {
  users: count('users', 100_000),
  rounds: count('rounds', 20),
  seconds: count('seconds', 120),
  connections: count('connections', 1_000),
  deadline: count('deadline', 7_200),
};

const wanted = values.operations?.split(',').map((name) => name.trim());
const unknown = wanted?.filter((name) => !BENCH_OPERATIONS.some((o) => o.name === name));
if (unknown?.length) {
  process.stderr.write(`--operations: unknown ${unknown.join(', ')}\n\n${HELP}`);
  process.exit(2);
}
const operations = BENCH_OPERATIONS.filter((o) => !wanted || wanted.includes(o.name));

let baseline: ChildProcess | undefined;
const deadline = setTimeout(() => {
  log(`hard deadline of ${options.deadline} s reached: killing everything and stopping`);
  baseline?.kill('SIGKILL');
  killAll();
  process.exit(3);
}, options.deadline * 1_000);
deadline.unref();

async function startBaseline(
  target: Target,
  nodeArgs: readonly string[],
): Promise<{ url: string; pid: number }> {
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = { ...process.env, BASELINE_PORT: String(port) };
  for (const [name, url] of Object.entries(target.subgraphUrls)) {
    env[`${name.toUpperCase()}_URL`] = url;
  }
  baseline = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'load/baseline-gateway.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = `http://127.0.0.1:${port}/`;
  const running = () => baseline?.exitCode === null;
  await new Promise<void>((resolve, reject) => {
    baseline?.once('message', () => resolve());
    baseline?.once('exit', (code) => reject(new Error(`baseline gateway exited (${code})`)));
  });
  await waitUntilReady(`${url}?query=%7B__typename%7D`, 30_000, running).catch(() => {});
  return { url, pid: baseline.pid as number };
}

function planner(operation: string, users: readonly LoadUser[], direct: boolean) {
  let next = 0;
  return (): PlannedRequest => {
    const user = users[next++ % users.length]!;
    const variables = VARIABLES[operation]!({
      user,
      sequence: next,
      runId: 'bench',
      random: Math.random,
    });
    // Straight to a subgraph, the user arrives as the router would send them: signed identity.
    const headers: Record<string, string> = direct
      ? { 'x-moneta-identity': user.identity }
      : { authorization: user.authorization };
    return { operation, body: textBody(operation, variables), headers };
  };
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a process has used so far; undefined when it cannot be read. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

const COLUMNS = ['operation', 'target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'cpu ms/req'];

const geometricMean = (values: number[]) =>
  values.length ? Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length) : 0;

let target: Target | undefined;
let exitCode = 1;
try {
  target = await openTarget({
    url: values.url,
    users: options.users,
    profileDir: values.profile,
    log,
  });
  const gatewayProfile = values.profile && path.join(values.profile, 'gateway');
  const gateway = await startBaseline(
    target,
    gatewayProfile ? ['--cpu-prof', `--cpu-prof-dir=${gatewayProfile}`] : [],
  );
  log(`baseline gateway ready at ${gateway.url}`);

  const pids = {
    ...target.pids,
    ...(Object.keys(target.pids).length ? { gateway: gateway.pid } : {}),
  };
  const session = createSession({ ...target, pids });
  // CPU per answer is steadier than throughput on a shared machine: it is what one request
  // costs the process, whatever else the cores were busy with.
  const cells = new Map<string, { recorder: Recorder; seconds: number; cpuSeconds: number }>();
  const cpuPid: Partial<Record<BenchTarget, number>> = {
    router: target.pids.router,
    gateway: Object.keys(target.pids).length ? gateway.pid : undefined,
  };
  const urls: Record<BenchTarget, (owner?: SubgraphName) => string | undefined> = {
    router: () => target!.routerUrl,
    gateway: () => gateway.url,
    subgraph: (owner) => (owner ? target!.subgraphUrls[owner] : undefined),
  };

  // A short warm-up per target and operation: JIT, plan caches and pools, then measure afresh.
  for (const round of [0, ...Array.from({ length: options.rounds }, (_, i) => i + 1)]) {
    const seconds = round === 0 ? 1 : options.seconds;
    log(round === 0 ? 'warming up ...' : `round ${round} of ${options.rounds}`);
    for (const { name, owner } of operations) {
      for (const kind of ['router', 'gateway', 'subgraph'] as BenchTarget[]) {
        const url = urls[kind](owner);
        if (!url) continue;
        const key = `${kind} ${name}`;
        const cell = cells.get(key) ?? { recorder: new Recorder(), seconds: 0, cpuSeconds: 0 };
        const recorders = round === 0 ? [] : [session.recorder, cell.recorder];
        const cpuBefore = cpuSecondsOf(cpuPid[kind]);
        await runPhase({
          name: `round ${round} ${key}`,
          url,
          connections: options.connections,
          durationSeconds: seconds,
          plan: planner(name, target.users, kind === 'subgraph'),
          recorders,
          progress: (phase) => session.progress(phase),
        });
        const cpuUsed = (cpuSecondsOf(cpuPid[kind]) ?? 0) - (cpuBefore ?? 0);
        if (round > 0) {
          cells.set(key, {
            recorder: cell.recorder,
            seconds: cell.seconds + seconds,
            cpuSeconds: cell.cpuSeconds + cpuUsed,
          });
        }
      }
    }
    if (round === 0) {
      session.resetRecorder();
      session.sampler.start();
    }
  }

  // Each cell's throughput is its answers over the seconds it ran, summed over rounds.
  const rate = (key: string) => {
    const cell = cells.get(key);
    return cell ? cell.recorder.summary().count / cell.seconds : undefined;
  };
  const cpuMsPerRequest = (key: string, kind: BenchTarget) => {
    const cell = cells.get(key);
    const answered = cell?.recorder.summary().count ?? 0;
    if (!cell || !cpuPid[kind] || answered === 0) return null;
    return Number(((cell.cpuSeconds * 1000) / answered).toFixed(2));
  };
  const rows: string[][] = [];
  const gatewayRatios: number[] = [];
  const figures: Record<string, unknown> = {};
  for (const { name } of operations) {
    const router = rate(`router ${name}`) ?? 0;
    const plain = rate(`gateway ${name}`) ?? 0;
    const floor = rate(`subgraph ${name}`);
    if (plain > 0) gatewayRatios.push(router / plain);
    for (const kind of ['router', 'gateway', 'subgraph'] as BenchTarget[]) {
      const cell = cells.get(`${kind} ${name}`);
      if (!cell) continue;
      const s = cell.recorder.summary();
      const cpuMs = cpuMsPerRequest(`${kind} ${name}`, kind);
      rows.push([
        name,
        kind,
        (s.count / cell.seconds).toFixed(1),
        s.p50Ms.toFixed(1),
        s.p99Ms.toFixed(1),
        String(s.errors),
        cpuMs === null ? '-' : cpuMs.toFixed(2),
      ]);
    }
    figures[name] = {
      routerCpuMsPerRequest: cpuMsPerRequest(`router ${name}`, 'router'),
      gatewayCpuMsPerRequest: cpuMsPerRequest(`gateway ${name}`, 'gateway'),
      routerPerSecond: Number(router.toFixed(1)),
      gatewayPerSecond: Number(plain.toFixed(1)),
      subgraphPerSecond: floor === undefined ? null : Number(floor.toFixed(1)),
      routerOverGateway: plain ? Number((router / plain).toFixed(2)) : null,
      routerOverSubgraph: floor ? Number((router / floor).toFixed(2)) : null,
    };
  }
  const ratio = geometricMean(gatewayRatios);
  process.stdout.write(
    `\n${table(COLUMNS, rows)}` +
      '\n(cpu ms/req: CPU of the router or gateway process per answer in its own cells)\n\n' +
      Object.entries(figures)
        .map(([name, f]) => {
          const { routerOverGateway: g, routerOverSubgraph: s } = f as Record<
            string,
            number | null
          >;
          const { routerCpuMsPerRequest: rc, gatewayCpuMsPerRequest: gc } = f as Record<
            string,
            number | null
          >;
          const cpu = rc && gc ? `, CPU per request router/gateway ${(rc / gc).toFixed(2)}x` : '';
          return `${name}: router/gateway ${g ?? '-'}x, router/subgraph ${s ?? '-'}x${cpu}`;
        })
        .join('\n') +
      '\n',
  );

  const errors = session.recorder.summary().errors;
  const report = finishSession(
    session,
    'bench',
    { ...options, url: values.url },
    {
      verdicts: [
        verdict(
          'router throughput over plain gateway (geometric mean)',
          '>= 1.5x',
          `${ratio.toFixed(2)}x`,
          ratio >= 1.5,
        ),
        verdict('errors', '0', String(errors), errors === 0),
      ],
      figures: { ...figures, routerOverGatewayGeometricMean: Number(ratio.toFixed(2)) },
      durationSeconds: [...cells.values()].reduce((sum, cell) => sum + cell.seconds, 0),
    },
  );
  exitCode = report.pass ? 0 : 1;
} catch (error) {
  log(`bench failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  if (baseline && baseline.exitCode === null) {
    const exited = new Promise((resolve) => baseline?.once('exit', resolve));
    baseline.kill('SIGTERM');
    await exited;
  }
  await target?.close();
}
process.exit(exitCode);
