/**
 * CPU time and memory of the processes a run started, read from /proc every 500 ms: utime +
 * stime from /proc/<pid>/stat, VmRSS from /proc/<pid>/status. Linux only; elsewhere, and for
 * processes that are not ours, the report says it has nothing rather than guessing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessUsage {
  pid: number;
  /** CPU seconds (user + system) spent between `start` and `stop`. */
  cpuSeconds: number;
  /** cpuSeconds over the wall time sampled, in percent of one core. */
  cpuPercent: number;
  peakRssMb: number;
  lastRssMb: number;
}

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** User + system CPU ticks; the command name may hold spaces, so fields count from its `)`. */
function readCpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

export function readRssMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1_024 : undefined;
  } catch {
    return undefined;
  }
}

interface Tracked {
  pid: number;
  startTicks: number;
  lastTicks: number;
  peakRssMb: number;
  lastRssMb: number;
}

export class ProcessSampler {
  private readonly ticksPerSecond = clockTicksPerSecond();
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private stoppedAt = 0;

  constructor(private readonly pids: Readonly<Record<string, number>>) {}

  get isEmpty(): boolean {
    return Object.keys(this.pids).length === 0;
  }

  start(intervalMs = 500): void {
    this.startedAt = Date.now();
    for (const [name, pid] of Object.entries(this.pids)) {
      const ticks = readCpuTicks(pid);
      if (ticks === undefined) continue;
      const rss = readRssMb(pid) ?? 0;
      this.tracked.set(name, {
        pid,
        startTicks: ticks,
        lastTicks: ticks,
        peakRssMb: rss,
        lastRssMb: rss,
      });
    }
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const entry of this.tracked.values()) {
      const ticks = readCpuTicks(entry.pid);
      const rss = readRssMb(entry.pid);
      if (ticks !== undefined) entry.lastTicks = ticks;
      if (rss !== undefined) {
        entry.lastRssMb = rss;
        entry.peakRssMb = Math.max(entry.peakRssMb, rss);
      }
    }
  }

  stop(): Record<string, ProcessUsage> {
    this.sample();
    clearInterval(this.timer);
    this.stoppedAt = Date.now();
    const wallSeconds = Math.max((this.stoppedAt - this.startedAt) / 1_000, 0.001);

    return Object.fromEntries(
      [...this.tracked].map(([name, entry]) => {
        const cpuSeconds = (entry.lastTicks - entry.startTicks) / this.ticksPerSecond;
        const usage: ProcessUsage = {
          pid: entry.pid,
          cpuSeconds,
          cpuPercent: (cpuSeconds / wallSeconds) * 100,
          peakRssMb: entry.peakRssMb,
          lastRssMb: entry.lastRssMb,
        };
        return [name, usage];
      }),
    );
  }
}
