import { EVALUATION_TASKS } from '../evaluation/tasks/task.registry';
import { REPORT_TASKS, type ComparisonReport, type MetricColumn, type ReportCell } from './comparison-report';

const TASK_TITLES: Record<string, string> = {
  ...Object.fromEntries(EVALUATION_TASKS.map((task) => [task.name, task.report.title])),
  resources: 'Resources',
  overall: 'Overall (mean rank over the evaluation tasks)',
};

/** The report as GitHub-flavoured markdown: one table per task, then the best setups. */
export function renderMarkdown(report: ComparisonReport): string {
  const lines: string[] = [];
  lines.push(`# Comparison of ${report.rows.length} setups`);
  lines.push('');
  lines.push(`Sweep \`${report.sweep.id}\` on screen **${report.sweep.screen}**, profile ${report.sweep.profile}, ${report.cellLines} cell lines. Generated ${report.generatedAt}.`);
  lines.push('');
  lines.push('Each cell: median over cell lines ± MAD (the spread across cell lines), and the rank in its column (1 = best).');
  lines.push('');
  lines.push('## Best setup per task');
  lines.push('');
  lines.push('| task | setup | mean rank |');
  lines.push('|---|---|---|');
  for (const best of report.best) lines.push(`| ${TASK_TITLES[best.task]} | ${best.setup} | ${best.meanRank.toFixed(2)} |`);
  for (const task of REPORT_TASKS) {
    const columns = report.columns.filter((column) => column.task === task);
    lines.push('');
    lines.push(`## ${TASK_TITLES[task]}`);
    lines.push('');
    lines.push(`| setup | ${columns.map((column) => `${column.label} ${column.better === 'higher' ? '↑' : '↓'}`).join(' | ')} | task rank |`);
    lines.push(`|---|${columns.map(() => '---:').join('|')}|---:|`);
    const ordered = [...report.rows].sort((a, b) => (a.taskRanks[task] ?? Infinity) - (b.taskRanks[task] ?? Infinity));
    for (const row of ordered) {
      const rank = row.taskRanks[task];
      lines.push(`| ${row.setup}${row.status === 'succeeded' ? '' : ` (${row.status})`} | ${columns.map((column) => formatCell(row.cells[column.key], column)).join(' | ')} | ${rank === undefined ? '–' : rank.toFixed(1)} |`);
    }
  }
  if (report.baseline) {
    lines.push('');
    lines.push(`Resource ratios in \`compareResources\` are relative to ${report.baseline.setup}.`);
  }
  lines.push('');
  return lines.join('\n');
}

export function formatCell(cell: ReportCell | undefined, column: MetricColumn): string {
  if (!cell || cell.value === null) return '–';
  const value = formatValue(cell.value, column);
  const spread = cell.spread === null ? '' : ` ± ${formatValue(cell.spread, column)}`;
  return `${value}${spread} (${cell.rank})`;
}

export function formatValue(value: number, column: Pick<MetricColumn, 'unit'>): string {
  switch (column.unit) {
    case 'seconds':
      return `${value.toFixed(1)} s`;
    case 'bytes':
      return `${(value / 1024 ** 2).toFixed(0)} MiB`;
    case 'images/s':
      return value.toFixed(1);
    default:
      return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(3);
  }
}
