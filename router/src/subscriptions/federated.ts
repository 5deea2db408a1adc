import { createHash } from 'node:crypto';
import {
  buildOperationContext,
  executeQueryPlan,
  type ApolloGateway,
  type GraphQLDataSource,
  type ServiceMap,
} from '@apollo/gateway';
import { operationFromDocument } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import {
  getOperationAST,
  GraphQLError,
  print,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { IdentitySigner, Logger } from '#shared';
import { classifyOperation } from '../cache/classify.js';
import type { CachePolicy } from '../cache/policy.js';
import type { RouterContext } from '../context.js';
import type { RouterMetrics } from '../metrics.js';
import type { UpstreamSubscriptions } from './upstream.js';

/**
 * Errors arrive from a subgraph as JSON; clients get them as GraphQL errors, with the subgraph
 * named as the router names it for queries.
 */
function revive(errors: readonly unknown[], serviceName: string): GraphQLError[] {
  return errors.map((error) => {
    if (error instanceof GraphQLError) return error;
    const { message, extensions, path } = (error ?? {}) as {
      message?: string;
      extensions?: Record<string, unknown>;
      path?: (string | number)[];
    };
    return new GraphQLError(message ?? 'Subscription failed upstream.', {
      path,
      extensions: { ...extensions, serviceName },
    });
  });
}

/** The parts of Apollo's gateway that executing a subscription plan needs. */
interface GatewayInternals {
  apiSchema?: Parameters<typeof operationFromDocument>[0];
  supergraphSchema?: GraphQLSchema;
}

export interface FederatedSubscriptionsOptions {
  gateway: ApolloGateway;
  /** The gateway's data sources by subgraph name, for the fields other subgraphs own. */
  sources: ReadonlyMap<string, GraphQLDataSource>;
  upstream: UpstreamSubscriptions;
  signIdentity: IdentitySigner;
  policy: CachePolicy;
  logger: Logger;
  metrics?: RouterMetrics;
  /** Events a subscriber may leave undelivered before it is dropped. Default 256. */
  maxPending?: number;
  /** Upstream events a shared subscription holds while earlier ones complete. Default 256. */
  maxBacklog?: number;
}

/** Context a subscription's transport supplies: how to drop a consumer that cannot keep up. */
export interface SubscriberTransport {
  dropSlowConsumer(): void;
}

interface PlannedSubscription {
  readonly text: string;
  readonly primary: FetchNode;
  readonly plan: QueryPlan;
  readonly scope: 'public' | 'private';
}

/**
 * Executes subscriptions across subgraphs, which `@apollo/gateway` refuses to do. The query
 * planner plans a subscription as a primary fetch to the owning subgraph plus the rest; the
 * primary is forwarded over graphql-ws, and every event it yields runs through the rest of the
 * plan as if the primary fetch had just answered with it.
 *
 * Identical subscriptions (same document, variables and, for private data, user) share one
 * upstream subscription and one execution per event, however many clients hold them.
 */
export function createFederatedSubscriptions(options: FederatedSubscriptionsOptions) {
  const { gateway, upstream, policy, metrics } = options;
  const maxPending = options.maxPending ?? 256;
  const maxBacklog = options.maxBacklog ?? 256;
  const log = options.logger.child({ component: 'subscriptions' });
  const internals = gateway as unknown as GatewayInternals;
  const planned = new WeakMap<DocumentNode, Map<string, PlannedSubscription>>();
  const hubs = new Map<string, Hub>();

  function plan(document: DocumentNode, operationName: string | null): PlannedSubscription {
    let byName = planned.get(document);
    if (!byName) planned.set(document, (byName = new Map()));
    const existing = byName.get(operationName ?? '');
    if (existing) return existing;

    const planner = gateway.__testing().queryPlanner;
    const schema = gateway.schema;
    if (!planner || !internals.apiSchema || !schema)
      throw new Error('The supergraph is not loaded.');
    const operation = operationFromDocument(internals.apiSchema, document, {
      operationName: operationName ?? undefined,
    });
    const queryPlan = planner.buildQueryPlan(operation);
    const node = queryPlan.node as SubscriptionNode | undefined;
    if (node?.kind !== 'Subscription') throw new Error('The operation is not a subscription.');

    const text = print(document);
    const nodes: PlanNode[] = node.rest ? [node.primary, node.rest] : [node.primary];
    const entry: PlannedSubscription = {
      text,
      primary: node.primary,
      plan: {
        kind: 'QueryPlan',
        node: nodes.length === 1 ? node.primary : { kind: 'Sequence', nodes },
      },
      scope: classifyOperation(schema, document, policy)?.scope ?? 'private',
    };
    byName.set(operationName ?? '', entry);
    return entry;
  }

  class Subscriber implements AsyncIterableIterator<ExecutionResult> {
    private readonly pending: ExecutionResult[] = [];
    private waiting: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
    private finished = false;

    constructor(
      private readonly hub: Hub,
      private readonly transport: SubscriberTransport | undefined,
    ) {}

    push(result: ExecutionResult): void {
      if (this.finished) return;
      const waiting = this.waiting;
      if (waiting) {
        this.waiting = undefined;
        waiting({ value: result, done: false });
        return;
      }
      this.pending.push(result);
      if (this.pending.length > maxPending) {
        // It will never catch up; holding more would let one client cost everyone memory.
        metrics?.slowConsumersDropped.inc();
        this.transport?.dropSlowConsumer();
        void this.return();
      }
    }

    end(): void {
      this.finished = true;
      if (this.pending.length > 0) return;
      this.waiting?.({ value: undefined, done: true });
      this.waiting = undefined;
    }

    next(): Promise<IteratorResult<ExecutionResult>> {
      const result = this.pending.shift();
      if (result) return Promise.resolve({ value: result, done: false });
      if (this.finished) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (this.waiting = resolve));
    }

    async return(): Promise<IteratorResult<ExecutionResult>> {
      this.pending.length = 0;
      this.end();
      this.hub.detach(this);
      return { value: undefined, done: true };
    }

    [Symbol.asyncIterator]() {
      return this;
    }
  }

  class Hub {
    private readonly subscribers = new Set<Subscriber>();
    private stopUpstream: (() => void) | undefined;
    private token: string | undefined;
    private refresh: NodeJS.Timeout | undefined;
    private queue: Promise<void> = Promise.resolve();
    private backlog = 0;
    private stopped = false;

    constructor(
      private readonly key: string,
      private readonly planned: PlannedSubscription,
      private readonly variables: Record<string, unknown>,
      private readonly operationName: string | null,
      private readonly document: DocumentNode,
      private readonly context: RouterContext,
    ) {}

    async start(): Promise<void> {
      const { identity } = this.context;
      if (identity && this.planned.scope === 'private') {
        this.token = await options.signIdentity(identity);
        if (this.stopped) return;
        // Re-signed well within the identity's lifetime, for re-subscriptions after a restart.
        this.refresh = setInterval(() => {
          void options.signIdentity(identity).then((token) => (this.token = token));
        }, 20_000);
        this.refresh.unref();
      }

      const { primary } = this.planned;
      const variables = Object.fromEntries(
        (primary.variableUsages ?? []).map((name) => [name, this.variables[name]]),
      );
      this.stopUpstream = upstream.subscribe(
        primary.serviceName,
        {
          query: primary.operation,
          variables,
          operationName: primary.operationName,
          extensions: () => ({
            'x-request-id': this.context.requestId,
            ...(this.token ? { 'x-moneta-identity': this.token } : {}),
          }),
        },
        {
          next: (event) => {
            // Events wait while earlier ones are being completed through the plan; when the
            // subgraphs that complete them fall this far behind, the stream ends with an error
            // rather than holding ever more events (clients subscribe again).
            if (this.backlog >= maxBacklog) {
              // At once, not behind the queue: the events queued are dropped with the clients.
              this.fail(new Error('fell behind upstream'));
              return;
            }
            this.backlog += 1;
            this.queue = this.queue
              .then(() => this.deliver(event as ExecutionResult))
              .finally(() => (this.backlog -= 1));
          },
          error: (error) => {
            this.queue = this.queue.then(() => this.fail(error));
          },
          complete: () => {
            this.queue = this.queue.then(() => this.stop());
          },
        },
      );
      metrics?.upstreamSubscriptions.inc();
    }

    attach(transport: SubscriberTransport | undefined): Subscriber {
      const subscriber = new Subscriber(this, transport);
      this.subscribers.add(subscriber);
      metrics?.clientSubscriptions.inc();
      return subscriber;
    }

    detach(subscriber: Subscriber): void {
      if (!this.subscribers.delete(subscriber)) return;
      metrics?.clientSubscriptions.dec();
      if (this.subscribers.size === 0) this.stop();
    }

    private async deliver(event: ExecutionResult): Promise<void> {
      if (this.subscribers.size === 0) return;
      const result = event.data
        ? await this.execute(event)
        : { errors: revive(event.errors ?? [], this.planned.primary.serviceName) };
      metrics?.subscriptionEvents.inc({ subgraph: this.planned.primary.serviceName });
      for (const subscriber of this.subscribers) subscriber.push(result);
    }

    /** Runs the rest of the plan, with the event standing in for the primary fetch's answer. */
    private async execute(event: ExecutionResult): Promise<ExecutionResult> {
      const { primary } = this.planned;
      const real = options.sources.get(primary.serviceName);
      const serviceMap: ServiceMap = Object.fromEntries(options.sources);
      serviceMap[primary.serviceName] = {
        process: (request) =>
          request.request.query === primary.operation || !real
            ? Promise.resolve(event as never)
            : real.process(request),
      };

      const operationContext = buildOperationContext({
        schema: gateway.schema!,
        operationDocument: this.document,
        operationName: this.operationName ?? undefined,
      });
      const requestContext = {
        request: {
          query: this.planned.text,
          variables: this.variables,
          operationName: this.operationName ?? undefined,
        },
        context: this.context,
        document: this.document,
        operation: operationContext.operation,
        operationName: this.operationName,
        metrics: {},
      };
      try {
        return await executeQueryPlan(
          this.planned.plan,
          serviceMap,
          requestContext as never,
          operationContext,
          internals.supergraphSchema!,
          internals.apiSchema!,
        );
      } catch (error) {
        log.error({ err: error }, 'a subscription event failed to execute');
        return { errors: [new GraphQLError('The event could not be completed.')] };
      }
    }

    fail(error: unknown): void {
      const errors = Array.isArray(error)
        ? revive(error, this.planned.primary.serviceName)
        : [new GraphQLError('The subscription ended upstream.', { originalError: error as Error })];
      for (const subscriber of this.subscribers) subscriber.push({ errors });
      this.stop();
    }

    private stop(): void {
      this.stopped = true;
      if (hubs.get(this.key) === this) hubs.delete(this.key);
      if (this.refresh) clearInterval(this.refresh);
      if (this.stopUpstream) {
        this.stopUpstream();
        this.stopUpstream = undefined;
        metrics?.upstreamSubscriptions.dec();
      }
      for (const subscriber of this.subscribers) subscriber.end();
      metrics?.clientSubscriptions.dec(this.subscribers.size);
      this.subscribers.clear();
    }
  }

  return {
    /** A subscribe function for envelop: one stream of results for one client subscription. */
    async subscribe(
      args: ExecutionArgs,
      transport?: SubscriberTransport,
    ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
      const context = args.contextValue as RouterContext;
      const operationName = args.operationName ?? getOperationAST(args.document)?.name?.value;
      let planned: PlannedSubscription;
      try {
        planned = plan(args.document, operationName ?? null);
      } catch (error) {
        return { errors: [new GraphQLError((error as Error).message)] };
      }

      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      const session = planned.scope === 'private' ? (context.identity?.userId ?? '') : '';
      const key = createHash('sha256')
        .update(`${planned.text}|${operationName ?? ''}|${JSON.stringify(variables)}|${session}`)
        .digest('hex');

      const existing = hubs.get(key);
      if (existing) return existing.attach(transport);

      // Public data is the same for everyone: the rest of its plan runs as no one in
      // particular, not as whoever happened to subscribe first.
      const hubContext =
        planned.scope === 'private' ? context : { ...context, identity: undefined };
      const hub = new Hub(
        key,
        planned,
        variables,
        operationName ?? null,
        args.document,
        hubContext,
      );
      hubs.set(key, hub);
      const subscriber = hub.attach(transport);
      try {
        await hub.start();
      } catch (error) {
        // Nobody may attach to a hub that never reached its subgraph, and whoever attached
        // while it was starting is told.
        hub.fail(error);
        log.warn({ err: error }, 'an upstream subscription could not start');
        return { errors: [new GraphQLError('The subscription could not be started.')] };
      }
      return subscriber;
    },

    /** Distinct upstream subscriptions open now. */
    get upstreamCount(): number {
      return hubs.size;
    },
  };
}

export type FederatedSubscriptions = ReturnType<typeof createFederatedSubscriptions>;
