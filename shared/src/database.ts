import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

// Calendar dates stay strings: turning them into Dates would shift them by the host's offset.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export type { Knex } from 'knex';

export interface DatabaseOptions {
  /** postgres:// URL of the primary. */
  url: string;
  /** The PostgreSQL schema this service owns; it is first on the search path. */
  schema: string;
  /** Connection pool bounds. Defaults: 0 idle, 10 at most. */
  poolMin?: number;
  poolMax?: number;
  /** Name shown in pg_stat_activity, e.g. `moneta-market`. */
  applicationName?: string;
}

/**
 * A knex instance bound to one service's schema. Every table name a service writes resolves in
 * its own schema first, so a service cannot read another's tables by accident.
 */
export function createDatabase(options: DatabaseOptions): Knex {
  const { url, schema, poolMin = 0, poolMax = 10, applicationName } = options;

  return knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: applicationName ?? `moneta-${schema}` },
    searchPath: [schema, 'public'],
    pool: { min: poolMin, max: poolMax },
    acquireConnectionTimeout: 10_000,
  });
}

/** Readiness probe: a round trip to the server. */
export async function pingDatabase(db: Knex): Promise<void> {
  await db.raw('select 1');
}

/** Counts rows whatever driver type a count comes back as (pg returns bigint as text). */
export function toCount(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}
