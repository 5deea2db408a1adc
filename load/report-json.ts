/** Writes a run's JSON and HTML reports under load/reports/ (git-ignored). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from './report.js';
import { renderHtml } from './report-html.js';

const reportsDir = fileURLToPath(new URL('./reports/', import.meta.url));

export function writeReports(report: RunReport): { json: string; html: string } {
  mkdirSync(reportsDir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const base = path.join(reportsDir, `${report.scenario}-${stamp}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${base}.html`, renderHtml(report));
  return { json: `${base}.json`, html: `${base}.html` };
}
