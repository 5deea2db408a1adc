/**
 * One run's results as data: what the console prints, and what the JSON and HTML reports under
 * load/reports/ hold.
 */
import { BUCKET_EDGES_MS, type LatencySummary, type Recorder } from './metrics.js';
import type { Verdict } from './objectives.js';
import type { ProcessUsage } from './sampler.js';

export interface RunReport {
  scenario: string;
  command: string;
  startedAt: string;
  finishedAt: string;
  target: { url: string; startedByTool: boolean };
  options: Record<string, unknown>;
  summary: LatencySummary & { durationSeconds: number; throughputPerSecond: number };
  errors: Record<string, number>;
  operations: Record<string, LatencySummary>;
  timeline: ReturnType<Recorder['points']>;
  histogram: { edgesMs: number[]; counts: number[] };
  /** Per process; a string when nothing could be sampled (an external stack). */
  processes: Record<string, ProcessUsage> | string;
  /** Scenario-specific figures (settlement time, ratios, memory per subscriber, ...). */
  figures: Record<string, unknown>;
  verdicts: Verdict[];
  pass: boolean;
}

export interface ReportInput {
  scenario: string;
  url: string;
  startedByTool: boolean;
  options: Record<string, unknown>;
  recorder: Recorder;
  processes: Record<string, ProcessUsage> | string;
  figures?: Record<string, unknown>;
  verdicts: Verdict[];
  /** Wall time the load ran, for throughput; defaults to the recorder's life. */
  durationSeconds?: number;
}

export function buildReport(input: ReportInput): RunReport {
  const { recorder } = input;
  const now = Date.now();
  const durationSeconds = input.durationSeconds ?? (now - recorder.startedAt) / 1_000;
  const summary = recorder.summary();

  return {
    scenario: input.scenario,
    command: process.argv.slice(2).join(' '),
    startedAt: new Date(recorder.startedAt).toISOString(),
    finishedAt: new Date(now).toISOString(),
    target: { url: input.url, startedByTool: input.startedByTool },
    options: input.options,
    summary: {
      ...summary,
      durationSeconds,
      throughputPerSecond: summary.count / Math.max(durationSeconds, 0.001),
    },
    errors: recorder.errors(),
    operations: recorder.operations(),
    timeline: recorder.points(),
    histogram: { edgesMs: BUCKET_EDGES_MS, counts: [...recorder.buckets] },
    processes: input.processes,
    figures: input.figures ?? {},
    verdicts: input.verdicts,
    pass: input.verdicts.length > 0 && input.verdicts.every((v) => v.pass),
  };
}
