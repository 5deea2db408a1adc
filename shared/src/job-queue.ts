import {
  Logger as WorkerLogger,
  makeWorkerUtils,
  run,
  type Runner,
  type TaskList,
  type WorkerUtils,
} from 'graphile-worker';
import type { Knex } from 'knex';
import type { Logger } from 'pino';

export interface JobQueueOptions {
  connectionString: string;
  /** PostgreSQL schema of this service's queue, e.g. `trading_worker`. */
  schema: string;
  tasks: TaskList;
  logger: Logger;
  /** Jobs run at once by this process. Default 16. */
  concurrency?: number;
  /** Longest a job may stay locked before it is presumed orphaned by a dead process. */
  staleLockSeconds?: number;
  /**
   * How often idle workers look for jobs that LISTEN/NOTIFY did not announce (jobs due later,
   * retries, a missed notification). New jobs start at once whatever this is. Default 1 000 ms.
   */
  pollIntervalMs?: number;
}

export interface EnqueueOptions {
  /** Jobs of one queue run one at a time, in order. */
  queue?: string;
  /** A second job with the same key replaces the first rather than duplicating it. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

/** A call of the queue's `add_job` as an SQL expression and its bindings, for knex `raw`. */
export interface AddJobCall {
  sql: string;
  bindings: (string | number | Date | null)[];
}

/**
 * The `add_job` call that enqueues a job, to embed in a larger statement (a job added by the
 * same statement that writes the row needing it costs no round trip of its own).
 */
export function addJobCall(
  schema: string,
  task: string,
  payload: Record<string, unknown>,
  options: EnqueueOptions = {},
): AddJobCall {
  return {
    sql: '??.add_job(?, ?::json, ?, ?::timestamptz, ?::int, ?)',
    bindings: [
      schema,
      task,
      JSON.stringify(payload),
      options.queue ?? null,
      options.runAt ?? null,
      options.maxAttempts ?? 25,
      options.jobKey ?? null,
    ],
  };
}

/**
 * Adds a job in the caller's transaction. The queue lives in the same database as the data,
 * so the job exists exactly when the change that needs it commits: a transactional outbox
 * without a separate relay.
 */
export async function enqueueJob(
  trx: Knex | Knex.Transaction,
  schema: string,
  task: string,
  payload: Record<string, unknown>,
  options: EnqueueOptions = {},
): Promise<void> {
  const call = addJobCall(schema, task, payload, options);
  await trx.raw(`select ${call.sql}`, call.bindings);
}

/** graphile-worker logs every job at info; here that is debug, and its errors stay errors. */
function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger(() => (level, message, meta) => {
    if (level === 'error') log.error({ meta }, message);
    else if (level === 'warning') log.warn({ meta }, message);
    else log.debug({ meta }, message);
  });
}

/**
 * Runs this service's jobs with graphile-worker. A process killed mid-job leaves the job locked;
 * a periodic sweep unlocks jobs held longer than any job may legitimately take, so another
 * process (or this one, restarted) retries them within about a minute instead of four hours.
 */
export async function startJobQueue(options: JobQueueOptions): Promise<{ stop(): Promise<void> }> {
  const { connectionString, schema, tasks, logger, concurrency = 16 } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const staleLockSeconds = options.staleLockSeconds ?? 60;
  const log = logger.child({ component: 'jobs' });

  const utils: WorkerUtils = await makeWorkerUtils({
    connectionString,
    schema,
    logger: workerLogger(log),
  });
  await utils.migrate();

  async function unlockStale(): Promise<void> {
    const stale = await utils.withPgClient((client) =>
      client.query<{ locked_by: string }>(
        `select distinct locked_by from ${client.escapeIdentifier(schema)}._private_jobs
         where locked_at < now() - make_interval(secs => $1)`,
        [staleLockSeconds],
      ),
    );
    const workers = stale.rows.map((row) => row.locked_by).filter(Boolean);
    if (workers.length > 0) {
      await utils.forceUnlockWorkers(workers);
      log.warn({ workers }, 'unlocked jobs held by workers presumed dead');
    }
  }
  await unlockStale();
  const sweep = setInterval(
    () => {
      unlockStale().catch((error: unknown) => log.error({ err: error }, 'stale lock sweep failed'));
    },
    (staleLockSeconds * 1000) / 2,
  );
  sweep.unref();

  const runner: Runner = await run({
    connectionString,
    schema,
    concurrency,
    // One connection per job in flight, one for LISTEN, one spare.
    maxPoolSize: concurrency + 2,
    taskList: tasks,
    noHandleSignals: true,
    pollInterval: pollIntervalMs,
    logger: workerLogger(log),
  });

  return {
    async stop() {
      clearInterval(sweep);
      await runner.stop();
      await utils.release();
    },
  };
}
