import { existsSync, writeFileSync } from 'node:fs';

/**
 * Deliberate crashes for failure tests. With `MONETA_CRASH_AT=<point>` and
 * `MONETA_CRASH_MARKER=<file>` in its environment, a process kills itself (SIGKILL: no cleanup,
 * no flush) the first time it reaches that point, and leaves the marker so that, restarted
 * with the same environment, it runs on. Without those variables this does nothing.
 */
export function crashPoint(point: string): void {
  if (process.env.MONETA_CRASH_AT !== point) return;
  const marker = process.env.MONETA_CRASH_MARKER;
  if (!marker || existsSync(marker)) return;

  writeFileSync(marker, `${point} ${new Date().toISOString()}\n`);
  process.kill(process.pid, 'SIGKILL');
}
