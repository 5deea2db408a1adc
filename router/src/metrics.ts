import { Counter, Gauge } from 'prom-client';
import { createMetrics, type ServiceMetrics } from '#shared';

export interface RouterMetrics extends ServiceMetrics {
  /** Subgraph fetches, by subgraph and whether one already in flight answered it. */
  readonly subgraphFetches: Counter<'subgraph' | 'shared'>;
  /** Response-cache lookups by operation and outcome (`hit` or `miss`). */
  readonly cacheLookups: Counter<'operation' | 'outcome'>;
  /** Cached responses dropped, by the reason (`mutation`, `event`, `resync`). */
  readonly cacheInvalidations: Counter<'operation' | 'reason'>;
  /** Client subscriptions open on this router. */
  readonly clientSubscriptions: Gauge;
  /** Subscriptions this router holds open to subgraphs (shared by identical clients). */
  readonly upstreamSubscriptions: Gauge;
  /** Subscription events executed, by the subgraph that produced them. */
  readonly subscriptionEvents: Counter<'subgraph'>;
  /** Clients dropped because they fell too far behind. */
  readonly slowConsumersDropped: Counter;
}

export function createRouterMetrics(): RouterMetrics {
  const base = createMetrics('router');
  const { registry } = base;

  return {
    ...base,
    subgraphFetches: new Counter({
      name: 'moneta_router_subgraph_fetches_total',
      help: 'Subgraph fetches; shared="true" ones were answered by an identical fetch in flight',
      labelNames: ['subgraph', 'shared'],
      registers: [registry],
    }),
    cacheLookups: new Counter({
      name: 'moneta_router_response_cache_lookups_total',
      help: 'Response cache lookups of persisted operations, by outcome',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    cacheInvalidations: new Counter({
      name: 'moneta_router_response_cache_invalidations_total',
      help: 'Cached responses invalidated, by operation and reason',
      labelNames: ['operation', 'reason'],
      registers: [registry],
    }),
    clientSubscriptions: new Gauge({
      name: 'moneta_router_client_subscriptions',
      help: 'Client subscriptions open on this router',
      registers: [registry],
    }),
    upstreamSubscriptions: new Gauge({
      name: 'moneta_router_upstream_subscriptions',
      help: 'Subscriptions open to subgraphs; identical client subscriptions share one',
      registers: [registry],
    }),
    subscriptionEvents: new Counter({
      name: 'moneta_router_subscription_events_total',
      help: 'Subscription events executed, by producing subgraph',
      labelNames: ['subgraph'],
      registers: [registry],
    }),
    slowConsumersDropped: new Counter({
      name: 'moneta_router_slow_consumers_dropped_total',
      help: 'Subscription clients disconnected for falling too far behind',
      registers: [registry],
    }),
  };
}
