import { REPORT_TASKS, type ComparisonReport } from './comparison-report';
import { formatValue } from './markdown.renderer';

/**
 * The report as one self-contained HTML page (no script, no external file): the full table of
 * setups by metrics, cells shaded by rank, and the best setup per task.
 */
export function renderHtml(report: ComparisonReport): string {
  const n = Math.max(1, report.rows.length);
  const header1 = REPORT_TASKS
    .map((task) => {
      const span = report.columns.filter((column) => column.task === task).length;
      return `<th colspan="${span}" class="task">${escape(task)}</th>`;
    })
    .join('');
  const header2 = report.columns.map((column) => `<th>${escape(column.label)} ${column.better === 'higher' ? '↑' : '↓'}</th>`).join('');
  const rows = [...report.rows]
    .sort((a, b) => (a.overallRank ?? Infinity) - (b.overallRank ?? Infinity))
    .map((row) => {
      const cells = report.columns
        .map((column) => {
          const cell = row.cells[column.key];
          if (!cell || cell.value === null) return `<td class="missing" title="${escape(cell?.reason ?? 'undefined')}">–</td>`;
          // rank 1 darkest: a quick read of the table the way the study's figures shade it
          const shade = cell.rank === null ? 0 : 0.55 * (1 - (cell.rank - 1) / n);
          const spread = cell.spread === null ? '' : `<span class="spread"> ± ${escape(formatValue(cell.spread, column))}</span>`;
          return `<td style="background: rgba(33, 113, 181, ${shade.toFixed(2)})">${escape(formatValue(cell.value, column))}${spread} <span class="rank">${cell.rank}</span></td>`;
        })
        .join('');
      return `<tr><th scope="row">${escape(row.setup)}</th><td>${row.overallRank === null ? '–' : row.overallRank.toFixed(1)}</td>${cells}</tr>`;
    })
    .join('\n');
  const best = report.best.map((entry) => `<li><b>${escape(entry.task)}</b>: ${escape(entry.setup)} (mean rank ${entry.meanRank.toFixed(2)})</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>morphospace: comparison of ${report.rows.length} setups</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; white-space: nowrap; }
th[scope=row] { text-align: left; }
th.task { text-transform: capitalize; background: #f3f3f3; }
.spread { color: #555; font-size: 85%; }
.rank { color: #000; font-size: 80%; font-weight: bold; }
.missing { color: #999; }
</style></head><body>
<h1>Comparison of ${report.rows.length} setups</h1>
<p>Sweep <code>${escape(report.sweep.id)}</code> on screen <b>${escape(report.sweep.screen)}</b>, profile ${escape(report.sweep.profile)}, ${report.cellLines} cell lines. Generated ${escape(report.generatedAt)}.
Each cell: median over cell lines ± MAD across cell lines, and its rank in the column (1 = best, darker).</p>
<h2>Best setup per task</h2><ul>${best}</ul>
<table>
<thead><tr><th rowspan="2">setup</th><th rowspan="2">overall rank</th>${header1}</tr><tr>${header2}</tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
