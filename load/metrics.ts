/**
 * Latency and error accounting for one run: HDR histograms (from hdr-histogram-js, which comes
 * with autocannon) overall and per operation, a per-second timeline, fixed log-spaced buckets
 * for the HTML histogram, and errors counted by kind.
 */
import * as hdr from 'hdr-histogram-js';

/** Latencies are recorded in microseconds so sub-millisecond answers keep their precision. */
const US_PER_MS = 1_000;
const HIGHEST_US = 3_600 * 1_000_000;

/** Bucket edges of the HTML histogram: ten per decade from 0.1 ms to 100 s. */
export const BUCKET_EDGES_MS = Array.from({ length: 61 }, (_, i) => 0.1 * 10 ** (i / 10));

export const SLOW_MS = 2_000;

export interface LatencySummary {
  count: number;
  errors: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Share of requests answered in under 2 s, errors included. */
  under2sRatio: number;
}

export interface TimelinePoint {
  second: number;
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

interface Series {
  histogram: hdr.Histogram;
  count: number;
  errors: number;
  under2s: number;
}

function newHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
  });
}

function newSeries(): Series {
  return { histogram: newHistogram(), count: 0, errors: 0, under2s: 0 };
}

function summarize(series: Series): LatencySummary {
  const h = series.histogram;
  // HDR reports a bucket's upper edge; capping at the maximum keeps p99 <= max on small runs.
  const at = (percentile: number) =>
    Math.min(h.getValueAtPercentile(percentile), h.maxValue) / US_PER_MS;
  return {
    count: series.count,
    errors: series.errors,
    meanMs: series.count ? h.mean / US_PER_MS : 0,
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
    maxMs: h.maxValue / US_PER_MS,
    under2sRatio: series.count ? series.under2s / series.count : 0,
  };
}

export class Recorder {
  readonly startedAt = Date.now();
  private readonly overall = newSeries();
  private readonly byOperation = new Map<string, Series>();
  private readonly timeline = new Map<number, Series>();
  private readonly errorKinds = new Map<string, number>();
  readonly buckets = new Array<number>(BUCKET_EDGES_MS.length + 1).fill(0);

  /** One answered (or failed) request; `errorKind` undefined means it succeeded. */
  record(operation: string, latencyMs: number, errorKind?: string, at = Date.now()): void {
    const second = Math.floor((at - this.startedAt) / 1_000);
    let perSecond = this.timeline.get(second);
    if (!perSecond) this.timeline.set(second, (perSecond = newSeries()));
    let perOperation = this.byOperation.get(operation);
    if (!perOperation) this.byOperation.set(operation, (perOperation = newSeries()));

    const value = Math.min(Math.max(1, Math.round(latencyMs * US_PER_MS)), HIGHEST_US);
    for (const series of [this.overall, perOperation, perSecond]) {
      series.histogram.recordValue(value);
      series.count++;
      if (errorKind) series.errors++;
      if (latencyMs < SLOW_MS) series.under2s++;
    }
    if (errorKind) this.errorKinds.set(errorKind, (this.errorKinds.get(errorKind) ?? 0) + 1);

    const bucket = BUCKET_EDGES_MS.findIndex((edge) => latencyMs < edge);
    this.buckets[bucket === -1 ? BUCKET_EDGES_MS.length : bucket]! += 1;
  }

  summary(): LatencySummary {
    return summarize(this.overall);
  }

  operations(): Record<string, LatencySummary> {
    const names = [...this.byOperation.keys()].sort();
    return Object.fromEntries(names.map((name) => [name, summarize(this.byOperation.get(name)!)]));
  }

  errors(): Record<string, number> {
    return Object.fromEntries(this.errorKinds);
  }

  points(): TimelinePoint[] {
    return [...this.timeline.entries()]
      .sort(([a], [b]) => a - b)
      .map(([second, series]) => {
        const { count, errors, p50Ms, p99Ms } = summarize(series);
        return { second, count, errors, p50Ms, p99Ms };
      });
  }

  /** Requests per second over the whole run so far. */
  rate(now = Date.now()): number {
    const seconds = Math.max((now - this.startedAt) / 1_000, 0.001);
    return this.overall.count / seconds;
  }
}
