/**
 * Drives HTTP load with autocannon. Every request is planned by the scenario (operation, user,
 * body) in `setupRequest`; autocannon hands the answer's body to `onResponse` and, in the same
 * tick, its latency to the `response` event, so the two are joined through `pending` without a
 * lookup. Each phase is bounded in time or in requests, and in autocannon's per-request timeout.
 */
import autocannon from 'autocannon';
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

function fixedRequest(url: URL, planned: PlannedRequest) {
  const request =
    planned.search !== undefined
      ? { method: 'GET' as const, path: url.pathname + planned.search, headers: planned.headers }
      : {
          method: 'POST' as const,
          path: url.pathname + url.search,
          headers: { 'content-type': 'application/json', ...planned.headers },
          body: planned.body,
        };
  return { operation: planned.operation, request };
}

export async function runPhase(options: PhaseOptions): Promise<void> {
  const classify = options.classify ?? ((_op, status, body) => classifyGraphQL(status, body));
  const url = new URL(options.url);
  let pending: { operation: string; error: string | undefined } | undefined;

  // autocannon gives a connection a rate of 0 (unlimited) when there are more connections
  // than requests per second, so connections never exceed the rate.
  const connections = options.ratePerSecond
    ? Math.max(1, Math.min(options.connections, options.ratePerSecond))
    : options.connections;

  let finish: (error?: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve());
  });
  const fixed = options.fixed ? fixedRequest(url, options.plan()) : undefined;
  const instance = autocannon(
    {
      url: url.origin,
      connections,
      duration: options.durationSeconds ?? 10,
      amount: options.amount,
      overallRate: options.ratePerSecond,
      timeout: options.timeoutSeconds ?? 10,
      // The body is parsed for GraphQL errors, so latencies of error answers count as well.
      requests: fixed
        ? [fixed.request]
        : [
            {
              method: 'POST',
              path: url.pathname,
              setupRequest: (request, context) => {
                const planned = options.plan();
                (context as RequestContext).operation = planned.operation;
                if (planned.search !== undefined) {
                  return {
                    ...request,
                    method: 'GET',
                    path: url.pathname + planned.search,
                    headers: planned.headers,
                    body: undefined,
                  };
                }
                return {
                  ...request,
                  method: 'POST',
                  path: url.pathname + url.search,
                  headers: { 'content-type': 'application/json', ...planned.headers },
                  body: planned.body,
                };
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
