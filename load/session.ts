/**
 * What every scenario shares: the target, the recorder, the sampler of the stack's processes,
 * the live progress line, and turning results into printed and written reports.
 */
import { Recorder } from './metrics.js';
import type { Verdict } from './objectives.js';
import { buildReport, type RunReport } from './report.js';
import { writeReports } from './report-json.js';
import { formatReport } from './report-text.js';
import { ProcessSampler } from './sampler.js';
import type { Target } from './target.js';

export interface ScenarioResult {
  verdicts: Verdict[];
  figures?: Record<string, unknown>;
  /** Wall time of the load itself, for throughput; the recorder's life when unset. */
  durationSeconds?: number;
}

export interface Session {
  readonly target: Target;
  recorder: Recorder;
  readonly sampler: ProcessSampler;
  log(line: string): void;
  /** Prints one progress line: rate, errors and p99 so far. */
  progress(phase: string): void;
  /** Starts measuring afresh (after a warm-up or a set-up step). */
  resetRecorder(): void;
}

export function log(line: string): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stderr.write(`${line}\n`);
}

export function createSession(target: Target): Session {
  const sampler = new ProcessSampler({ ...target.pids, 'load tool': process.pid });
  let lastPrinted = 0;

  const session: Session = {
    target,
    recorder: new Recorder(),
    sampler,
    log,
    progress(phase) {
      const s = session.recorder.summary();
      const elapsed = (Date.now() - session.recorder.startedAt) / 1_000;
      const line =
        `[${phase}] ${elapsed.toFixed(0)} s  ${session.recorder.rate().toFixed(1)} req/s  ` +
        `${s.count} done  errors ${s.errors}  p99 ${s.p99Ms.toFixed(1)} ms`;
      // A terminal gets one line rewritten in place; a log file a line every five seconds.
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
      else if (Date.now() - lastPrinted >= 5_000) {
        lastPrinted = Date.now();
        process.stderr.write(`${line}\n`);
      }
    },
    resetRecorder() {
      session.recorder = new Recorder();
    },
  };
  return session;
}

export function finishSession(
  session: Session,
  scenario: string,
  options: Record<string, unknown>,
  result: ScenarioResult,
): RunReport {
  const processes = session.sampler.stop();
  const external = Object.keys(session.target.pids).length === 0;
  const report = buildReport({
    scenario,
    url: session.target.routerUrl,
    startedByTool: !external,
    options,
    recorder: session.recorder,
    processes: external
      ? `external stack: its processes are not ours to sample (load tool: ` +
        `${processes['load tool']?.cpuSeconds.toFixed(1) ?? '?'} cpu s)`
      : processes,
    figures: result.figures,
    verdicts: result.verdicts,
    durationSeconds: result.durationSeconds,
  });

  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  process.stdout.write(`${formatReport(report)}\n`);
  const paths = writeReports(report);
  process.stdout.write(`reports: ${paths.json}\n         ${paths.html}\n`);
  return report;
}
