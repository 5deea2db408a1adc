export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects with the reason it does not. */
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

/**
 * Liveness says the process runs; readiness says it should get traffic. A service that is
 * shutting down stops being ready first, so load balancers drain it before it closes.
 */
export function createHealth(checks: readonly ReadinessCheck[] = []) {
  let draining = false;

  async function readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    const report = Object.fromEntries(results);
    if (draining) report.shutdown = 'draining';
    return { ready: !draining && results.every(([, status]) => status === 'ok'), checks: report };
  }

  return {
    readiness,
    drain() {
      draining = true;
    },
  };
}

export type Health = ReturnType<typeof createHealth>;
