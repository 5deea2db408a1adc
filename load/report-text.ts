/** The console's view of a report: summary, operations, errors, processes, verdicts. */
import type { LatencySummary } from './metrics.js';
import type { RunReport } from './report.js';

const f1 = (value: number) => value.toFixed(1);

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function latencyRow(name: string, s: LatencySummary): string[] {
  return [
    name,
    String(s.count),
    String(s.errors),
    f1(s.meanMs),
    f1(s.p50Ms),
    f1(s.p95Ms),
    f1(s.p99Ms),
    f1(s.maxMs),
  ];
}

const LATENCY_HEADER = ['operation', 'requests', 'errors', 'mean', 'p50', 'p95', 'p99', 'max'];

export function formatReport(report: RunReport): string {
  const { summary } = report;
  const lines = [
    '',
    `${report.scenario}: ${summary.count} requests in ${f1(summary.durationSeconds)} s, ` +
      `${f1(summary.throughputPerSecond)} req/s`,
    '',
    table(LATENCY_HEADER, [
      latencyRow('(all)', summary),
      ...Object.entries(report.operations).map(([name, s]) => latencyRow(name, s)),
    ]),
    '  latencies in ms',
  ];

  const errors = Object.entries(report.errors);
  lines.push('', errors.length ? 'errors:' : 'errors: none');
  for (const [kind, count] of errors) lines.push(`  ${count} × ${kind}`);

  if (typeof report.processes === 'string') {
    lines.push('', `processes: ${report.processes}`);
  } else {
    const rows = Object.entries(report.processes).map(([name, usage]) => [
      name,
      String(usage.pid),
      f1(usage.cpuSeconds),
      f1(usage.cpuPercent),
      f1(usage.peakRssMb),
    ]);
    lines.push('', table(['process', 'pid', 'cpu s', 'cpu %', 'peak RSS MB'], rows));
  }

  const figures = Object.entries(report.figures);
  if (figures.length) {
    lines.push('');
    for (const [name, value] of figures) {
      lines.push(`${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  }

  lines.push('');
  for (const v of report.verdicts) {
    lines.push(`${v.pass ? 'PASS' : 'FAIL'}  ${v.objective}: ${v.actual} (target ${v.target})`);
  }
  lines.push('', `VERDICT ${report.scenario}: ${report.pass ? 'PASS' : 'FAIL'}`);
  return lines.join('\n');
}
