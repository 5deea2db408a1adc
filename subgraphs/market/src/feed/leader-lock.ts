import pg from 'pg';
import { hashString, type Logger } from '#shared';

export interface LeaderLockOptions {
  connectionString: string;
  /** Names the lock; every instance competing for one role must use the same name. */
  name: string;
  logger: Logger;
  /** How often a follower tries to take the lock. Default 1 000 ms. */
  retryMs?: number;
  /** Called when this instance becomes the leader. */
  onLead: () => Promise<void>;
  /** Called when it stops leading: lost connection or shutdown. */
  onFollow: () => Promise<void>;
}

/**
 * Leader election on a PostgreSQL session advisory lock, held on a connection of its own (never
 * a pooled one, whose session outlives any one use). Every instance shares the database, with
 * or without Redis, so this needs nothing else. When the leader dies its session ends, the
 * server releases the lock, and the next follower to retry takes over.
 */
export function startLeaderLock(options: LeaderLockOptions) {
  const { logger, retryMs = 1_000 } = options;
  const log = logger.child({ component: 'leader-lock', lock: options.name });
  const key = hashString(options.name) | 0;
  let client: pg.Client | undefined;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;

  async function resign(reason: string) {
    if (!leading) return;
    leading = false;
    if (stopped) log.info({ reason }, 'no longer the leader');
    else log.warn({ reason }, 'no longer the leader');
    await options.onFollow().catch((error: unknown) => log.error({ err: error }, 'resign failed'));
  }

  async function connect(): Promise<pg.Client> {
    const fresh = new pg.Client({
      connectionString: options.connectionString,
      application_name: `moneta-${options.name}`,
    });
    fresh.on('error', (error) => {
      log.warn({ err: error }, 'lock connection failed');
      if (client === fresh) client = undefined;
      void fresh.end().catch(() => undefined);
      void resign('lock connection lost');
    });
    await fresh.connect();
    return fresh;
  }

  async function tryLead(): Promise<void> {
    if (leading || stopped) return;
    client ??= await connect();
    const result = await client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1) as locked',
      [key],
    );
    if (!result.rows[0]?.locked || stopped) return;

    leading = true;
    log.info('became the leader');
    try {
      await options.onLead();
    } catch (error) {
      // A leader that cannot lead must not keep the others out.
      leading = false;
      await client.query('select pg_advisory_unlock($1)', [key]);
      throw error;
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      attempt = tryLead()
        .catch((error: unknown) => log.warn({ err: error }, 'leader attempt failed'))
        .finally(() => {
          attempt = undefined;
          schedule();
        });
    }, retryMs);
    timer.unref();
  }

  attempt = tryLead()
    .catch((error: unknown) => log.warn({ err: error }, 'leader attempt failed'))
    .finally(() => {
      attempt = undefined;
      schedule();
    });

  return {
    get isLeader() {
      return leading;
    },

    /** Stops leading (the feed stops first) and closes the lock's session, releasing it. */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await attempt;
      await resign('shutting down');
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
