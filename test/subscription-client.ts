import type { FormattedExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createIdentitySigner, DEV_IDENTITY_SECRET, IDENTITY_HEADER } from '#shared';

export type Result = FormattedExecutionResult<Record<string, unknown>, Record<string, unknown>>;

export interface OpenSubscription {
  /** Every result received so far, in order. */
  readonly results: Result[];
  /** Whether the server completed the operation. */
  readonly completed: boolean;
  /** The next result not yet taken, waiting up to `timeoutMs` for it. */
  next(timeoutMs?: number): Promise<Result>;
  close(): Promise<void>;
}

const signIdentity = createIdentitySigner({ secret: DEV_IDENTITY_SECRET });

/** What the router puts in a subscribe message's extensions for a signed-in user. */
export async function routerExtensions(userId: string, username?: string) {
  return { [IDENTITY_HEADER]: await signIdentity({ userId, username }) };
}

/** A subgraph's graphql-ws URL from its HTTP GraphQL URL. */
export function wsUrl(httpUrl: string): string {
  return httpUrl.replace(/^http/, 'ws');
}

/**
 * One subscription over its own graphql-ws connection, straight to a subgraph, as the router
 * would open it. Results queue up until a test takes them.
 */
export function openSubscription(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  extensions: Record<string, unknown> = {},
): OpenSubscription {
  const client: Client = createClient({
    url: wsUrl(url),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
  });
  const results: Result[] = [];
  const waiters: (() => void)[] = [];
  let taken = 0;
  let completed = false;
  let failure: unknown;

  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  client.subscribe<Record<string, unknown>, Record<string, unknown>>(
    { query, variables, extensions },
    {
      next: (result) => {
        results.push(result);
        wake();
      },
      error: (error) => {
        failure = error;
        wake();
      },
      complete: () => {
        completed = true;
        wake();
      },
    },
  );

  return {
    results,
    get completed() {
      return completed;
    },
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length <= taken) {
        if (failure) throw new Error(`subscription failed: ${JSON.stringify(failure)}`);
        if (completed) throw new Error('subscription completed without another result');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no result within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return results[taken++] as Result;
    },
    async close() {
      await client.dispose();
    },
  };
}
