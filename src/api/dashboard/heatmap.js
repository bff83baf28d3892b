/* The dashboard's heatmap of setups x metrics from the comparison report, and the UMAP's run
 * list labelled from it. Loaded before dashboard.js, whose helpers (state, $, gql, message, show)
 * it calls once both are loaded. */
'use strict';

function formatValue(value, unit) {
  if (value === null || value === undefined) return '–';
  if (unit === 'bytes') return `${(value / 1048576).toFixed(0)} MiB`;
  if (unit === 'seconds') return `${value.toFixed(1)} s`;
  if (unit === 'images/s') return value.toFixed(1);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3);
}

function describeCell(cell, unit, baseline) {
  const parts = [`${formatValue(cell.value, unit)}${cell.interval ? ` [${formatValue(cell.interval.low, unit)}, ${formatValue(cell.interval.high, unit)}]` : ''}${cell.spread === null ? '' : ` ± ${formatValue(cell.spread, unit)}`}`];
  if (cell.replicates > 1) parts.push(`mean of ${cell.replicates} replicates, 95% interval`);
  if (baseline) parts.push('baseline: not ranked');
  else {
    parts.push(`rank ${cell.rank}`);
    if (cell.tiedWithBest === true && cell.rank !== 1) parts.push('≈ tied with the best (paired t-test over cell lines)');
    if (cell.tiedWithBest === null && cell.tieReason) parts.push(`tie not tested: ${cell.tieReason}`);
    const beaten = ['untrained', 'classical'].filter((kind) => cell.beats && cell.beats[kind]);
    if (beaten.length) parts.push(`▲ beats ${beaten.map((kind) => `baseline/${kind}`).join(' and ')}`);
  }
  return parts.join('\n');
}

/** The heatmap's row label: baselines marked, replicates counted. */
function rowLabel(row) {
  if (row.baseline) return `${row.setup} (baseline)`;
  return row.replicates > 1 ? `${row.setup} ×${row.replicates}` : row.setup;
}

async function drawHeatmap() {
  const container = $('heatmap');
  const data = await gql('query($sweep: ID!) { comparisonReport(sweep: $sweep, format: JSON) { report best { task setup runIds } } }', { sweep: state.sweepId });
  const report = data.comparisonReport.report;
  state.report = report;
  state.best = data.comparisonReport.best;
  // baselines are shown under the learned setups, greyed: they have no rank to colour by
  const rows = [...report.rows.filter((row) => !row.baseline), ...report.rows.filter((row) => row.baseline)];
  const n = rows.filter((row) => !row.baseline).length;
  const cells = [];
  for (const row of rows) {
    for (const column of report.columns) {
      const cell = row.cells[column.key];
      if (!cell || cell.value === null) continue;
      const marks = [cell.tiedWithBest === true && cell.rank !== 1 ? '≈' : '', cell.beats && cell.beats.untrained ? '▲U' : '', cell.beats && cell.beats.classical ? '▲C' : ''].filter(Boolean).join('');
      cells.push({
        setup: rowLabel(row),
        baseline: Boolean(row.baseline),
        metric: `${column.task}: ${column.label}`,
        score: row.baseline ? null : n > 1 && cell.rank !== null ? 1 - (cell.rank - 1) / (n - 1) : 1,
        label: `${formatValue(cell.value, column.unit)}${marks ? ` ${marks}` : ''}`,
        detail: describeCell(cell, column.unit, row.baseline),
      });
    }
  }
  $('best').textContent = state.best.length ? `best: ${state.best.map((best) => `${best.task} → ${best.setup}`).join(' · ')}` : '';
  if (cells.length === 0) return message(container, 'no finished run yet');
  const metrics = report.columns.map((column) => `${column.task}: ${column.label}`).filter((metric) => cells.some((cell) => cell.metric === metric));
  const ranked = cells.filter((cell) => !cell.baseline);
  const baselines = cells.filter((cell) => cell.baseline);
  const title = (d) => `${d.setup}\n${d.metric}\n${d.detail}`;
  const plot = Plot.plot({
    width: Math.max(900, metrics.length * 80 + 260),
    height: rows.length * 26 + 170,
    marginLeft: 250,
    marginBottom: 150,
    x: { domain: metrics, tickRotate: -40, label: null },
    y: { domain: rows.map(rowLabel), label: null },
    color: { scheme: 'blues', domain: [0, 1], legend: true, label: 'rank score among learned setups (1 = best; grey: baseline, not ranked)' },
    marks: [
      Plot.cell(ranked, { x: 'metric', y: 'setup', fill: 'score', inset: 0.5, tip: true, title }),
      Plot.cell(baselines, { x: 'metric', y: 'setup', fill: '#e4e4e4', stroke: '#999', strokeDasharray: '3,2', inset: 0.5, tip: true, title }),
      Plot.text(cells, { x: 'metric', y: 'setup', text: 'label', fill: (d) => (d.score !== null && d.score > 0.6 ? 'white' : 'black'), fontSize: 8 }),
    ],
  });
  show(container, plot, cells.length);
}

/** The run lists (UMAP, nearest compounds, MoA accuracy) labelled from the report (replicates, baselines), the best setup's first run chosen. */
function offerBestRun() {
  if (!state.report) return;
  const labels = new Map();
  for (const row of state.report.rows) row.runIds.forEach((id, i) => labels.set(id, `${row.setup}${row.baseline ? ' (baseline)' : ''}${row.replicates > 1 ? ` · replicate ${i + 1}` : ''}`));
  const overall = state.best.find((best) => best.task === 'overall');
  const bestRun = overall && overall.runIds[0];
  for (const id of ['umap-run', 'nearest-run', 'moa-run']) {
    const select = $(id);
    for (const entry of select.options) {
      const label = labels.get(entry.value);
      if (label) entry.textContent = entry.value === bestRun ? `★ ${label} (best overall)` : label;
    }
    // until the reader picks a run, the panel follows the best setup
    if (!state.picked.has(id) && bestRun && [...select.options].some((entry) => entry.value === bestRun)) select.value = bestRun;
  }
}
