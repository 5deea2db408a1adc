/**
 * A self-contained HTML page for one run: tables and three inline SVG charts (latency
 * histogram, latency over time, throughput over time). No script and no CDN, so the page opens
 * anywhere, offline, years later.
 */
import type { RunReport } from './report.js';

const WIDTH = 760;
const HEIGHT = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 32 };

interface Line {
  label: string;
  color: string;
  points: Array<[number, number]>;
}

function escape(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}

function axes(xLabel: string, yLabel: string, yMax: number, xMax: number): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((share) => {
    const y = PAD.top + plotH * (1 - share);
    const value = yMax * share;
    return (
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y}" y2="${y}" stroke="#eee"/>` +
      `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${formatTick(value)}</text>`
    );
  });
  return [
    ...ticks,
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 4}" text-anchor="middle">${xLabel}` +
      ` (0 – ${formatTick(xMax)})</text>`,
    `<text x="12" y="${PAD.top + plotH / 2}" transform="rotate(-90 12 ${PAD.top + plotH / 2})"` +
      ` text-anchor="middle">${yLabel}</text>`,
  ].join('');
}

function formatTick(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return value.toFixed(1);
  return value.toFixed(2);
}

function svg(body: string): string {
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">${body}</svg>`;
}

function lineChart(lines: Line[], xLabel: string, yLabel: string): string {
  const all = lines.flatMap((line) => line.points);
  if (all.length === 0) return '<p>No data.</p>';
  const xMax = Math.max(1, ...all.map(([x]) => x));
  const yMax = Math.max(1e-9, ...all.map(([, y]) => y)) * 1.1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const px = (x: number) => PAD.left + (x / xMax) * plotW;
  const py = (y: number) => PAD.top + plotH * (1 - y / yMax);

  const paths = lines.map((line) => {
    const d = line.points
      .map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
      .join('');
    return `<path d="${d}" fill="none" stroke="${line.color}" stroke-width="1.5"/>`;
  });
  const legend = lines.map(
    (line, i) =>
      `<text x="${PAD.left + 8 + i * 110}" y="${PAD.top + 12}" fill="${line.color}">` +
      `${escape(line.label)}</text>`,
  );
  return svg(axes(xLabel, yLabel, yMax, xMax) + paths.join('') + legend.join(''));
}

function histogramChart(report: RunReport): string {
  const { edgesMs, counts } = report.histogram;
  const first = counts.findIndex((count) => count > 0);
  const last = counts.length - 1 - [...counts].reverse().findIndex((count) => count > 0);
  if (first === -1) return '<p>No data.</p>';

  const shown = counts.slice(first, last + 1);
  const yMax = Math.max(...shown) * 1.1;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / shown.length;
  const bars = shown.map((count, i) => {
    const h = (count / yMax) * plotH;
    const upper = edgesMs[first + i];
    const title = `< ${upper === undefined ? '∞' : formatTick(upper)} ms: ${count}`;
    return (
      `<rect x="${(PAD.left + i * barW).toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}"` +
      ` width="${Math.max(barW - 1, 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#4a7bd0">` +
      `<title>${escape(title)}</title></rect>`
    );
  });
  const labels = shown
    .map((_, i) => i)
    .filter((i) => i % Math.ceil(shown.length / 8) === 0)
    .map((i) => {
      const edge = edgesMs[first + i - 1] ?? 0;
      return (
        `<text x="${PAD.left + i * barW}" y="${HEIGHT - PAD.bottom + 14}">` +
        `${formatTick(edge)}</text>`
      );
    });
  return svg(
    axes('latency, ms (log buckets)', 'requests', yMax, edgesMs[last] ?? 0) +
      bars.join('') +
      labels.join(''),
  );
}

function htmlTable(header: string[], rows: Array<Array<string | number>>): string {
  const head = header.map((cell) => `<th>${escape(cell)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escape(String(cell))}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const f1 = (value: number) => value.toFixed(1);

export function renderHtml(report: RunReport): string {
  const operations = [['(all)', report.summary] as const, ...Object.entries(report.operations)];
  const latencyRows = operations.map(([name, s]) => [
    name,
    s.count,
    s.errors,
    f1(s.meanMs),
    f1(s.p50Ms),
    f1(s.p95Ms),
    f1(s.p99Ms),
    f1(s.maxMs),
  ]);
  const processes =
    typeof report.processes === 'string'
      ? `<p>${escape(report.processes)}</p>`
      : htmlTable(
          ['process', 'pid', 'cpu s', 'cpu %', 'peak RSS MB'],
          Object.entries(report.processes).map(([name, u]) => [
            name,
            u.pid,
            f1(u.cpuSeconds),
            f1(u.cpuPercent),
            f1(u.peakRssMb),
          ]),
        );
  const timeline = report.timeline;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escape(report.scenario)} ${escape(report.startedAt)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin: 8px 0 16px; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
svg text { font-size: 11px; fill: #555; }
.pass { color: #17803d; } .fail { color: #b3261e; }
pre { background: #f6f6f6; padding: 8px; }
</style></head><body>
<h1>${escape(report.scenario)}: <span class="${report.pass ? 'pass' : 'fail'}">
${report.pass ? 'PASS' : 'FAIL'}</span></h1>
<p>${escape(report.startedAt)} → ${escape(report.finishedAt)} · target ${escape(report.target.url)}
${report.target.startedByTool ? '(started by the tool)' : '(external)'} ·
<code>npm run load -- ${escape(report.command)}</code></p>
<h2>Objectives</h2>
${htmlTable(
  ['', 'objective', 'target', 'measured'],
  report.verdicts.map((v) => [v.pass ? 'PASS' : 'FAIL', v.objective, v.target, v.actual]),
)}
<h2>Latency (ms) by operation</h2>
${htmlTable(['operation', 'requests', 'errors', 'mean', 'p50', 'p95', 'p99', 'max'], latencyRows)}
<p>${report.summary.count} requests in ${f1(report.summary.durationSeconds)} s:
${f1(report.summary.throughputPerSecond)} req/s.</p>
<h2>Errors</h2>
${htmlTable(['kind', 'count'], Object.entries(report.errors))}
<h2>Latency histogram</h2>
${histogramChart(report)}
<h2>Latency over time</h2>
${lineChart(
  [
    { label: 'p50 ms', color: '#4a7bd0', points: timeline.map((p) => [p.second, p.p50Ms]) },
    { label: 'p99 ms', color: '#d0704a', points: timeline.map((p) => [p.second, p.p99Ms]) },
  ],
  'seconds',
  'ms',
)}
<h2>Throughput over time</h2>
${lineChart(
  [
    { label: 'answers/s', color: '#17803d', points: timeline.map((p) => [p.second, p.count]) },
    { label: 'errors/s', color: '#b3261e', points: timeline.map((p) => [p.second, p.errors]) },
  ],
  'seconds',
  'per second',
)}
<h2>Processes</h2>
${processes}
<h2>Figures and options</h2>
<pre>${escape(JSON.stringify({ figures: report.figures, options: report.options }, null, 2))}</pre>
</body></html>
`;
}
