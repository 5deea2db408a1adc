import { ConfigError } from './errors.js';
import { createDatabase, type Knex } from './database.js';
import { locateDatabase } from './database-runtime.js';
import type { RunningHost } from './http-host.js';
import { createLogger, type Logger } from './logger.js';
import { migrateToLatest, type Migration } from './migrations.js';
import type { subgraphEnvironment } from './service-config.js';
import { countStatements, createMetrics, type ServiceMetrics } from './metrics.js';
import { createShutdown } from './shutdown.js';
import { createEventBus, type EventBus } from './event-bus.js';
import { createEntityEventStream, type EntityEventStream } from './event-stream.js';
import { createIdentityVerifier } from './identity.js';
import type { z } from 'zod';

type BaseConfig = Readonly<z.infer<z.ZodObject<typeof subgraphEnvironment>>>;

export interface SubgraphDeps<Config> {
  db: Knex;
  /** Where read-only queries go: the replica when DATABASE_REPLICA_URL is set, else `db`. */
  reader: Knex;
  /** The database's URL, for components that open their own pools (the job queue). */
  databaseUrl: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Messages between processes: Redis pub/sub with REDIS_URL, in-process otherwise. */
  events: EventBus;
  /** The /_events stream of entity changes for routers; hand it to the HTTP host. */
  entityEvents: EntityEventStream;
  config: Config;
  port: number;
  /** Register what must stop on shutdown; steps run in reverse order of registration. */
  onShutdown: (name: string, step: () => Promise<void>) => void;
}

export interface SubgraphMainOptions<Config extends BaseConfig> {
  /** Service name, also the PostgreSQL schema it owns. */
  name: string;
  loadConfig: () => Config;
  port: (config: Config) => number;
  migrations: readonly Migration[];
  /** Loads demo data into an empty schema; returns whether it did. */
  seed?: (db: Knex) => Promise<boolean>;
  start: (deps: SubgraphDeps<Config>) => Promise<RunningHost>;
}

/**
 * The life of one subgraph process: validate configuration, reach the database, migrate its
 * schema, seed demo data on first run, serve, and shut down in reverse order on a signal.
 */
export async function runSubgraph<Config extends BaseConfig>(
  options: SubgraphMainOptions<Config>,
): Promise<void> {
  let config: Config;
  try {
    config = options.loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ code: error.code, message: error.message })}\n`);
      process.exit(78);
    }
    throw error;
  }

  const logger = createLogger({ service: options.name, level: config.LOG_LEVEL });
  const shutdown = createShutdown({ logger });
  shutdown.installSignalHandlers();

  try {
    const location = await locateDatabase(config.DATABASE_URL, config.DATA_DIR, logger);
    shutdown.add('database server', location.release);

    const db = createDatabase({
      url: location.url,
      schema: options.name,
      poolMin: config.DATABASE_POOL_MIN,
      poolMax: config.DATABASE_POOL_MAX,
    });
    shutdown.add('database pool', () => db.destroy());
    const metrics = createMetrics(options.name);
    countStatements(db, metrics);

    let reader = db;
    if (config.DATABASE_REPLICA_URL) {
      reader = createDatabase({
        url: config.DATABASE_REPLICA_URL,
        schema: options.name,
        poolMin: config.DATABASE_POOL_MIN,
        poolMax: config.DATABASE_POOL_MAX,
        applicationName: `moneta-${options.name}-replica`,
      });
      shutdown.add('replica pool', () => reader.destroy());
      countStatements(reader, metrics, 'replica');
    }

    if (config.MIGRATE_ON_START) {
      const applied = await migrateToLatest(db, options.name, options.migrations);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    }
    if (config.SEED_DEMO && options.seed && (await options.seed(db))) {
      logger.info('demo data seeded');
    }

    const events = createEventBus({
      redisUrl: config.REDIS_URL,
      prefix: config.REDIS_PREFIX,
      logger,
    });
    shutdown.add('event bus', () => events.close());
    const entityEvents = createEntityEventStream({
      events,
      verifyIdentity: createIdentityVerifier(config.INTERNAL_IDENTITY_SECRET),
    });

    const port = options.port(config);
    const host = await options.start({
      db,
      reader,
      databaseUrl: location.url,
      logger,
      metrics,
      events,
      entityEvents,
      config,
      port,
      onShutdown: (name, step) => shutdown.add(name, step),
    });
    shutdown.add('http server', () => host.close());
    logger.info({ url: host.url }, `${options.name} subgraph ready`);
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    await shutdown.trigger('start-up failed', 1);
  }
}
