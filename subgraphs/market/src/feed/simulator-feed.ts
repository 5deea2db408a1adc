import type { Knex, Logger } from '#shared';
import { createGbmSimulator } from './gbm-simulator.js';
import type { PriceFeed, TickSink } from './price-feed.js';
import { loadFeedInstruments } from './quote-writer.js';

export interface SimulatorFeedOptions {
  db: Knex;
  logger: Logger;
  seed: string;
  /** Batches per second; each batch moves every instrument once. */
  ticksPerSecond: number;
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
  const intervalMs = Math.max(1, Math.round(1000 / options.ticksPerSecond));
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
      log.info({ instruments: instruments.length, intervalMs }, 'price simulator started');

      let last = Date.now();
      const tick = async () => {
        const now = Date.now();
        const ticks = simulator.step(now - last, new Date(now));
        last = now;
        await sink(ticks);
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
