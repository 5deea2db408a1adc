import { existsSync, writeFileSync } from 'node:fs';

/**
 * Deliberate crashes for failure tests. With `MONETA_CRASH_AT=<point>[,<point>...]` and
 * `MONETA_CRASH_MARKER=<path>` in its environment, a process kills itself (SIGKILL: no cleanup,
 * no flush) the first time it reaches each point, leaving `<path>.<point>` behind so that,
 * restarted with the same environment, it runs on. Without those variables this does nothing.
 */
export function crashPoint(point: string): void {
  const points = process.env.MONETA_CRASH_AT?.split(',') ?? [];
  if (!points.includes(point) || !process.env.MONETA_CRASH_MARKER) return;
  const marker = `${process.env.MONETA_CRASH_MARKER}.${point}`;
  if (existsSync(marker)) return;

  writeFileSync(marker, `${point} ${new Date().toISOString()}\n`);
  process.kill(process.pid, 'SIGKILL');
}
