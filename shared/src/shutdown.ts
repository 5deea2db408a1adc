import type { Logger } from 'pino';

export interface ShutdownOptions {
  logger: Logger;
  /** After this long the process exits even if a step hangs. Default 10 000 ms. */
  timeoutMs?: number;
  /** Exit the process when done. Tests turn this off. Default true. */
  exitProcess?: boolean;
}

type Step = { name: string; run: () => Promise<void> | void };

/**
 * Graceful shutdown in the reverse order of start-up: stop taking requests, finish those in
 * flight, then close pools. A parent process that launched us over IPC (`npm start`) counts as a
 * signal too: when it goes away, so do we, and no orphan is left behind.
 */
export function createShutdown({
  logger,
  timeoutMs = 10_000,
  exitProcess = true,
}: ShutdownOptions) {
  const steps: Step[] = [];
  let running: Promise<void> | undefined;

  async function runSteps(reason: string, exitCode: number): Promise<void> {
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      if (exitProcess) process.exit(1);
    }, timeoutMs);
    timer.unref();

    let failed = false;
    for (const step of [...steps].reverse()) {
      try {
        await step.run();
      } catch (error) {
        failed = true;
        logger.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }

    clearTimeout(timer);
    logger.info('shutdown complete');
    if (exitProcess) process.exit(failed ? 1 : exitCode);
  }

  return {
    /** Registers a step; steps run last-registered first. */
    add(name: string, run: Step['run']) {
      steps.push({ name, run });
    },
    /** Runs the steps once; later calls wait for the first. Exits with `exitCode` if all pass. */
    trigger(reason: string, exitCode = 0): Promise<void> {
      running ??= runSteps(reason, exitCode);
      return running;
    },
    installSignalHandlers() {
      // `on`, not `once`: a loader such as tsx exits at once (130) when a signal finds no
      // listener left, and a second Ctrl-C must not cut a graceful shutdown short.
      const onSignal = (signal: string) => void this.trigger(signal);
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      if (process.send) {
        // The parent may already be gone by the time a slow start-up reaches this line.
        if (!process.connected) void this.trigger('parent exited');
        else process.once('disconnect', () => void this.trigger('parent exited'));
      }
    },
  };
}

export type Shutdown = ReturnType<typeof createShutdown>;
