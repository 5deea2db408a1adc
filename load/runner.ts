/**
 * Drives HTTP load. Phases at a fixed rate use open-model arrivals over an undici pool
 * (`runArrivals`); phases as fast as answers come use autocannon. With autocannon every request
 * is planned by the scenario (operation, user, body) in `setupRequest`; it hands the answer's
 * body to `onResponse` and, in the same tick, its latency to the `response` event, so the two
 * are joined through `pending` without a lookup. Each phase is bounded in time or in requests,
 * and each request by a timeout.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import type { Recorder } from './metrics.js';

export interface PlannedRequest {
  operation: string;
  /** The POST body; unused when `search` is set. */
  body: string;
  headers: Record<string, string>;
  /** Sends a GET with this query string instead (persisted queries, as mobile apps cache). */
  search?: string;
}

export interface PhaseOptions {
  name: string;
  url: string;
  connections: number;
  /** Requests per second over all connections; unset runs as fast as answers come back. */
  ratePerSecond?: number;
  durationSeconds?: number;
  /** Stop after this many requests (wins over the duration). */
  amount?: number;
  timeoutSeconds?: number;
  plan: () => PlannedRequest;
  /**
   * Every request is this one, built once: the load tool then costs a fraction of the CPU per
   * request, which matters when the target answers in microseconds. Answers are judged by
   * status alone (their bodies are not read), so a caller checks a sample itself.
   */
  fixed?: boolean;
  /** An error kind for a failed answer, undefined when the answer is good. */
  classify?: (operation: string, status: number, body: string) => string | undefined;
  /** Every answer goes to each recorder (the run's and, say, its phase's). */
  recorders: readonly Recorder[];
  progress?: (phase: string) => void;
}

interface RequestContext {
  operation?: string;
}

/** GraphQL over HTTP answers 200 with `errors` for resolver failures: those count too. */
export function classifyGraphQL(status: number, body: string): string | undefined {
  if (status >= 500) return `http ${status}`;
  if (status >= 400) return `http ${status}`;
  if (!body.includes('"errors"')) return undefined;
  const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(body)?.[1];
  return `graphql ${code ?? 'error'}`;
}

/** The HTTP request a planned one is sent as, against the target `url`. */
export function httpRequestOf(url: URL, planned: PlannedRequest) {
  if (planned.search !== undefined) {
    return {
      method: 'GET' as const,
      path: url.pathname + planned.search,
      headers: planned.headers,
      body: undefined,
    };
  }
  return {
    method: 'POST' as const,
    path: url.pathname + url.search,
    headers: { 'content-type': 'application/json', ...planned.headers },
    body: planned.body,
  };
}

export async function runPhase(options: PhaseOptions): Promise<void> {
  if (options.ratePerSecond) {
    return runArrivals({ ...options, ratePerSecond: options.ratePerSecond });
  }
  const classify = options.classify ?? ((_op, status, body) => classifyGraphQL(status, body));
  const url = new URL(options.url);
  let pending: { operation: string; error: string | undefined } | undefined;

  let finish: (error?: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve());
  });
  const fixed = options.fixed ? options.plan() : undefined;
  const instance = autocannon(
    {
      url: url.origin,
      connections: options.connections,
      duration: options.durationSeconds ?? 10,
      amount: options.amount,
      timeout: options.timeoutSeconds ?? 10,
      // The body is parsed for GraphQL errors, so latencies of error answers count as well.
      requests: fixed
        ? [httpRequestOf(url, fixed)]
        : [
            {
              setupRequest: (request, context) => {
                const planned = options.plan();
                (context as RequestContext).operation = planned.operation;
                return { ...request, ...httpRequestOf(url, planned) };
              },
              onResponse: (status, body, context) => {
                const operation = (context as RequestContext).operation ?? 'unknown';
                pending = { operation, error: classify(operation, status, body) };
              },
            },
          ],
    },
    (error: unknown) => finish(error),
  );

  instance.on('response', (_client, status, _bytes, latencyMs) => {
    if (fixed) {
      const error = status >= 400 ? `http ${status}` : undefined;
      for (const r of options.recorders) r.record(fixed.operation, latencyMs, error);
      return;
    }
    const answered = pending ?? { operation: 'unknown', error: 'unparsed' };
    pending = undefined;
    for (const r of options.recorders) r.record(answered.operation, latencyMs, answered.error);
  });
  instance.on('reqError', (error) => {
    const kind = /timed out/.test(error.message) ? 'timeout' : `connection ${error.message}`;
    const timeoutMs = (options.timeoutSeconds ?? 10) * 1_000;
    const latencyMs = kind === 'timeout' ? timeoutMs : 0;
    for (const r of options.recorders) r.record('unknown', latencyMs, kind);
  });

  const progress = options.progress
    ? setInterval(() => options.progress?.(options.name), 1_000)
    : undefined;
  try {
    await finished;
  } finally {
    clearInterval(progress);
  }
}

/**
 * Requests start on a fixed schedule, one every 1/rate seconds, whatever the answers do: the way
 * independent users arrive. (autocannon paces each connection per second instead, so a rate
 * spread over many connections arrives in waves at the start of each second.) Latency counts
 * from the scheduled start, so time spent waiting for a free connection counts too and a slow
 * server cannot hide its queue. At most `connections` requests are in flight; the rest wait in
 * the pool's queue.
 */
async function runArrivals(options: PhaseOptions & { ratePerSecond: number }): Promise<void> {
  const classify = options.classify ?? ((_op, status, body) => classifyGraphQL(status, body));
  const url = new URL(options.url);
  const timeoutMs = (options.timeoutSeconds ?? 10) * 1_000;
  const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
  const intervalMs = 1_000 / options.ratePerSecond;
  const started = performance.now();
  const endsAt = started + (options.durationSeconds ?? 10) * 1_000;
  const limit = options.amount ?? Number.POSITIVE_INFINITY;
  const inFlight = new Set<Promise<void>>();

  async function send(scheduledAt: number): Promise<void> {
    const planned = options.plan();
    let error: string | undefined;
    try {
      const answer = await pool.request({
        ...httpRequestOf(url, planned),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      error = classify(planned.operation, answer.statusCode, await answer.body.text());
    } catch (failure) {
      const message = (failure as Error).message;
      error = /timeout/i.test(message) ? 'timeout' : `connection ${message}`;
    }
    const latencyMs = performance.now() - scheduledAt;
    for (const r of options.recorders) r.record(planned.operation, latencyMs, error);
  }

  const progress = options.progress
    ? setInterval(() => options.progress?.(options.name), 1_000)
    : undefined;
  try {
    let sent = 0;
    let next = started;
    while (next < endsAt && sent < limit) {
      const waitMs = next - performance.now();
      if (waitMs > 0) await sleep(waitMs);
      const request = send(next).finally(() => inFlight.delete(request));
      inFlight.add(request);
      sent += 1;
      next = started + sent * intervalMs;
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(progress);
    await pool.close();
  }
}
