import type { Knex } from 'knex';

/** One schema change, written in TypeScript and listed in its service's migrations/index.ts. */
export interface Migration {
  readonly name: string;
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/**
 * Knex reads migrations from a list rather than from the file system, so they run the same
 * under tsx, jest and a compiled build. Knex's lock table keeps two instances of one service
 * starting together from migrating twice.
 */
function listSource(migrations: readonly Migration[]): Knex.MigrationSource<Migration> {
  return {
    getMigrations: async () => [...migrations],
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => migration,
  };
}

export async function migrateToLatest(
  db: Knex,
  schema: string,
  migrations: readonly Migration[],
): Promise<string[]> {
  await db.raw('create schema if not exists ??', [schema]);
  const [, applied] = (await db.migrate.latest({
    migrationSource: listSource(migrations),
    schemaName: schema,
    tableName: 'knex_migrations',
  })) as [number, string[]];
  return applied;
}
