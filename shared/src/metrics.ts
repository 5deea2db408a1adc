import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { Knex } from 'knex';

export interface ServiceMetrics {
  readonly registry: Registry;
  /** SQL statements sent by this process: the figure batching keeps flat. */
  readonly dbStatements: Counter<'role'>;
}

/** A Prometheus registry per service, with Node's process metrics and the service label. */
export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });

  const dbStatements = new Counter({
    name: 'moneta_db_statements_total',
    help: 'SQL statements sent to PostgreSQL',
    labelNames: ['role'],
    registers: [registry],
  });
  return { registry, dbStatements };
}

/** Counts every statement a knex instance sends, by role: `primary` or `replica`. */
export function countStatements(
  db: Knex,
  metrics: ServiceMetrics,
  role: 'primary' | 'replica' = 'primary',
): void {
  metrics.dbStatements.inc({ role }, 0);
  db.on('query', () => metrics.dbStatements.inc({ role }));
}
