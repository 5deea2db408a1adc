/**
 * `subscriptions`: N concurrent graphql-ws clients on the router's /graphql, each subscribed to
 * quotes of a few symbols. Measures tick-to-client latency (arrival time minus the quote's
 * `asOf`, both from this machine's clock) and the router's memory per subscriber.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { sloVerdicts, verdict } from '../objectives.js';
import { ALL_SYMBOLS } from '../operations.js';
import { readRssMb } from '../sampler.js';
import type { ScenarioResult, Session } from '../session.js';
import type { LoadUser } from '../users.js';

export interface SubscriptionOptions {
  subscribers: number;
  /** How long ticks are listened to once everyone is subscribed. */
  durationSeconds: number;
  symbolsPerSubscriber: number;
}

const QUOTES =
  'subscription Quotes($symbols: [String!]!) { quotes(symbols: $symbols) { symbol price asOf } }';

interface Subscriber {
  client: Client;
  ticks: number;
  connected: Promise<void>;
}

/** graphql-ws reports GraphQL errors, socket error events or close events: name each plainly. */
function describe(reason: unknown): string {
  if (Array.isArray(reason)) return reason.map((e) => (e as Error).message).join('; ');
  if (reason instanceof Error) return reason.message;
  const event = (reason ?? {}) as { code?: unknown; reason?: unknown; message?: unknown };
  if (typeof event.code === 'number') {
    return `socket closed ${event.code} ${String(event.reason ?? '')}`.trim();
  }
  if (typeof event.message === 'string') return `socket error: ${event.message}`;
  return JSON.stringify(reason) ?? String(reason);
}

function wsUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

function connect(
  url: string,
  user: LoadUser,
  symbols: string[],
  onTick: (asOf: string) => void,
  onError: (reason: unknown) => void,
): Subscriber {
  let markConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: user.authorization },
    lazy: true,
    retryAttempts: 0,
    // A refused or dropped connection settles too (as an error), so a wave never waits on it.
    on: { connected: () => markConnected(), closed: () => markConnected() },
  });

  const subscriber: Subscriber = { client, ticks: 0, connected };
  client.subscribe<{ quotes: { asOf: string } | Array<{ asOf: string }> }>(
    { query: QUOTES, variables: { symbols } },
    {
      next: (result) => {
        if (result.errors?.length) return onError(result.errors);
        const quotes = result.data?.quotes;
        for (const quote of Array.isArray(quotes) ? quotes : quotes ? [quotes] : []) {
          subscriber.ticks++;
          onTick(quote.asOf);
        }
      },
      error: onError,
      complete: () => {},
    },
  );
  return subscriber;
}

/** One subscriber first: a server without subscriptions answers quickly, and says why. */
async function probe(url: string, user: LoadUser): Promise<string | undefined> {
  let refusal: string | undefined;
  const subscriber = connect(
    url,
    user,
    ALL_SYMBOLS.slice(0, 1),
    () => {},
    (reason) => {
      refusal = describe(reason);
    },
  );
  const settled = await Promise.race([
    subscriber.connected.then(() => new Promise((resolve) => setTimeout(resolve, 3_000))),
    new Promise((resolve) => setTimeout(resolve, 10_000)).then(() => 'timeout'),
  ]);
  await subscriber.client.dispose();
  if (refusal) return refusal;
  if (settled === 'timeout') return 'no connection_ack within 10 s';
  return undefined;
}

export async function runSubscriptions(
  session: Session,
  options: SubscriptionOptions,
): Promise<ScenarioResult> {
  const url = wsUrl(session.target.routerUrl);
  const { users } = session.target;
  const routerPid = session.target.pids.router;

  session.log(`probing ${url} with one subscriber ...`);
  const refusal = await probe(url, users[0]!);
  if (refusal) {
    return {
      verdicts: [
        verdict(
          'router accepts graphql-ws subscriptions to quotes',
          'accepted',
          `refused: ${refusal}`,
          false,
        ),
      ],
    };
  }

  const rssBefore = routerPid ? readRssMb(routerPid) : undefined;
  const subscribers: Subscriber[] = [];
  const onError = (reason: unknown) => {
    session.recorder.record('quotes', 0, `subscription ${describe(reason).slice(0, 80)}`);
  };
  session.log(`connecting ${options.subscribers} subscribers ...`);
  for (let i = 0; i < options.subscribers; i++) {
    const user = users[i % users.length]!;
    const first = (i * options.symbolsPerSubscriber) % ALL_SYMBOLS.length;
    const symbols = [...ALL_SYMBOLS, ...ALL_SYMBOLS].slice(
      first,
      first + options.symbolsPerSubscriber,
    );
    const onTick = (asOf: string) => {
      session.recorder.record('quotes', Math.max(0, Date.now() - Date.parse(asOf)));
    };
    subscribers.push(connect(url, user, symbols, onTick, onError));
    // Connect in waves of fifty, so the router sees a crowd arriving, not one SYN flood.
    if (i % 50 === 49) await Promise.all(subscribers.slice(-50).map((s) => s.connected));
  }
  await Promise.all(subscribers.map((s) => s.connected));
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const rssAfter = routerPid ? readRssMb(routerPid) : undefined;

  session.log(`all connected; listening for ${options.durationSeconds} s`);
  const ticker = setInterval(() => session.progress('listening'), 1_000);
  await new Promise((resolve) => setTimeout(resolve, options.durationSeconds * 1_000));
  clearInterval(ticker);
  await Promise.all(subscribers.map((s) => s.client.dispose()));

  const silent = subscribers.filter((s) => s.ticks === 0).length;
  const summary = session.recorder.summary();
  const perSubscriberKb =
    rssBefore !== undefined && rssAfter !== undefined
      ? ((rssAfter - rssBefore) * 1_024) / options.subscribers
      : undefined;
  return {
    verdicts: [
      verdict('every subscriber received ticks', '0 silent', String(silent), silent === 0),
      // Issue 7's own bar for live quotes, well inside the API objectives below.
      verdict(
        'tick-to-client p99 (live updates)',
        '< 100 ms',
        `${summary.p99Ms.toFixed(1)} ms`,
        summary.p99Ms < 100,
      ),
      ...sloVerdicts(summary, 'tick-to-client'),
    ],
    figures: {
      routerRssBeforeMb: rssBefore?.toFixed(1) ?? 'external stack: not measured',
      routerRssAfterMb: rssAfter?.toFixed(1) ?? 'external stack: not measured',
      routerKbPerIdleSubscription: perSubscriberKb?.toFixed(1) ?? 'external stack: not measured',
    },
    durationSeconds: options.durationSeconds,
  };
}
