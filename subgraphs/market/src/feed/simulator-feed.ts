import type { Knex, Logger } from '#shared';
import { createGbmSimulator } from './gbm-simulator.js';
import type { PriceFeed, TickSink } from './price-feed.js';
import { loadFeedInstruments } from './quote-writer.js';

export interface SimulatorFeedOptions {
  db: Knex;
  logger: Logger;
  seed: string;
  /** Times per second each instrument moves. */
  ticksPerSecond: number;
  /**
   * Interleaved groups the instruments move in, one group per batch, so that a tick interval
   * holds this many small batches instead of one of everything. Default 1.
   */
  groups?: number;
  /** Simulated seconds per real second. */
  timeScale: number;
  /** Only these symbols move; every tradable instrument when undefined. */
  symbols?: readonly string[] | undefined;
}

/**
 * The simulated venue: a GBM random walk per instrument, started from the quotes in the
 * database so that a new leader carries on where the last one stopped.
 */
export function createSimulatorFeed(options: SimulatorFeedOptions): PriceFeed {
  const log = options.logger.child({ component: 'price-simulator' });
  const groups = Math.max(1, options.groups ?? 1);
  const intervalMs = Math.max(1, Math.round(1000 / (options.ticksPerSecond * groups)));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  return {
    async start(sink: TickSink) {
      stopped = false;
      const instruments = await loadFeedInstruments(options.db, options.symbols);
      const simulator = createGbmSimulator({
        seed: options.seed,
        instruments,
        timeScale: options.timeScale,
      });
      log.info({ instruments: instruments.length, groups, intervalMs }, 'price simulator started');

      // Each group walks by the time since its own last move, so every instrument's path has
      // the volatility of its class however the groups interleave.
      const started = Date.now();
      const lastMoved = Array.from({ length: groups }, () => started);
      let turn = 0;
      const tick = async () => {
        const now = Date.now();
        const index = turn % groups;
        turn += 1;
        const ticks = simulator.step(now - lastMoved[index]!, new Date(now), { index, of: groups });
        lastMoved[index] = now;
        if (ticks.length > 0) await sink(ticks);
      };

      // A batch that takes longer than the interval delays the next rather than piling up.
      const loop = () => {
        if (stopped) return;
        timer = setTimeout(() => {
          running = tick()
            .catch((error: unknown) => log.warn({ err: error }, 'a tick batch failed'))
            .finally(() => {
              running = undefined;
              loop();
            });
        }, intervalMs);
      };
      loop();
    },

    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
