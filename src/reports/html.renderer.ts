import { REPORT_TASKS, type ComparisonReport, type ReportRow } from './comparison-report';
import { CELL_LEGEND, cellMarks, formatInterval, formatValue, summarySentence } from './markdown.renderer';

/**
 * The report as one self-contained HTML page (no script, no external file): the summary, the
 * full table of learned setups by metrics, cells shaded by rank, the baselines in their own
 * block under it, and the best setup per task.
 */
export function renderHtml(report: ComparisonReport): string {
  const learned = report.rows.filter((row) => row.baseline === null);
  const baselines = report.rows.filter((row) => row.baseline !== null);
  const n = Math.max(1, learned.length);
  const header1 = REPORT_TASKS
    .map((task) => {
      const span = report.columns.filter((column) => column.task === task).length;
      return `<th colspan="${span}" class="task">${escape(task)}</th>`;
    })
    .join('');
  const header2 = report.columns.map((column) => `<th${report.headlines.includes(column.key) ? ' class="headline"' : ''}>${escape(column.label)} ${column.better === 'higher' ? '↑' : '↓'}</th>`).join('');
  const renderRow = (row: ReportRow) => {
    const cells = report.columns
      .map((column) => {
        const cell = row.cells[column.key];
        if (!cell || cell.value === null) return `<td class="missing" title="${escape(cell?.reason ?? 'undefined')}">–</td>`;
        // rank 1 darkest: a quick read of the table the way the study's figures shade it; baselines unshaded
        const shade = cell.rank === null ? 0 : 0.55 * (1 - (cell.rank - 1) / n);
        const interval = cell.interval ? `<span class="interval"> ${escape(formatInterval(cell.interval, column))}</span>` : '';
        const spread = cell.spread === null ? '' : `<span class="spread"> ± ${escape(formatValue(cell.spread, column))}</span>`;
        const rank = cell.rank === null ? '' : ` <span class="rank">${cell.rank}</span>`;
        const marks = cellMarks(cell);
        const title = cell.tieReason ? ` title="${escape(cell.tieReason)}"` : '';
        return `<td style="background: rgba(33, 113, 181, ${shade.toFixed(2)})"${title}>${escape(formatValue(cell.value, column))}${interval}${spread}${rank}${marks ? `<span class="marks">${escape(marks)}</span>` : ''}</td>`;
      })
      .join('');
    const name = `${escape(row.setup)}${row.replicates > 1 ? ` <span class="spread">×${row.replicates}</span>` : ''}`;
    return `<tr${row.baseline ? ' class="baseline"' : ''}><th scope="row">${name}</th><td>${row.overallRank === null ? '–' : row.overallRank.toFixed(1)}</td>${cells}</tr>`;
  };
  const rows = [...learned].sort((a, b) => (a.overallRank ?? Infinity) - (b.overallRank ?? Infinity)).map(renderRow).join('\n');
  const baselineBlock = baselines.length === 0 ? '' : `<tbody class="baselines"><tr><th colspan="${report.columns.length + 2}" class="block">Baselines (not ranked)</th></tr>\n${baselines.map(renderRow).join('\n')}</tbody>`;
  const best = report.best.map((entry) => `<li><b>${escape(entry.task)}</b>: ${escape(entry.setup)} (mean rank ${entry.meanRank.toFixed(2)})</li>`).join('');
  const versus = report.summary.againstClassical
    .map((entry) => {
      const column = report.columns.find((candidate) => candidate.key === entry.column)!;
      const show = (value: number | null) => (value === null ? '–' : escape(formatValue(value, column)));
      return `<tr><th scope="row">${escape(entry.label)}</th><td>${escape(entry.bestSetup ?? '–')}</td><td>${show(entry.value)}</td><td>${show(entry.classical)}</td><td>${entry.beats === null ? '–' : entry.beats ? 'yes' : 'no'}</td></tr>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>morphospace: comparison of ${learned.length} setups</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; white-space: nowrap; }
th[scope=row] { text-align: left; }
th.task { text-transform: capitalize; background: #f3f3f3; }
th.headline { text-decoration: underline; }
th.block { text-align: left; background: #f3f3f3; }
tr.baseline th[scope=row] { font-style: italic; }
.spread, .interval { color: #555; font-size: 85%; }
.rank { color: #000; font-size: 80%; font-weight: bold; }
.marks { color: #0a6b2d; font-size: 80%; margin-left: 3px; }
.missing { color: #999; }
</style></head><body>
<h1>Comparison of ${learned.length} setups</h1>
<p>Sweep <code>${escape(report.sweep.id)}</code> on screen <b>${escape(report.sweep.screen)}</b>, profile ${escape(report.sweep.profile)}, ${report.cellLines} cell lines. Generated ${escape(report.generatedAt)}.</p>
<p>${escape(CELL_LEGEND)} Darker: better rank; underlined: the task's headline column.</p>
<h2>Summary</h2>
<p>${escape(summarySentence(report))}</p>
<table class="summary"><thead><tr><th>headline</th><th>best learned setup</th><th>value</th><th>baseline/classical</th><th>beats classical</th></tr></thead><tbody>${versus}</tbody></table>
<h2>Best setup per task</h2><ul>${best}</ul>
<table>
<thead><tr><th rowspan="2">setup</th><th rowspan="2">overall rank</th>${header1}</tr><tr>${header2}</tr></thead>
<tbody>
${rows}
</tbody>${baselineBlock}</table>
</body></html>
`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
