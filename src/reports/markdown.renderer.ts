import { EVALUATION_TASKS } from '../evaluation/tasks/task.registry';
import { REPORT_TASKS, type ComparisonReport, type MetricColumn, type ReportCell, type ReportRow } from './comparison-report';

const TASK_TITLES: Record<string, string> = {
  ...Object.fromEntries(EVALUATION_TASKS.map((task) => [task.name, task.report.title])),
  resources: 'Resources',
  overall: 'Overall (mean rank over the evaluation tasks)',
};

/** How to read a cell, said once above the tables. */
export const CELL_LEGEND =
  'Each cell: mean over replicates of the median over cell lines, [95% interval over replicates] when there are several, ± MAD across cell lines, ' +
  '(rank among the learned setups, 1 = best). ≈: tied with the best (paired t-test over cell lines, alpha 0.05). ' +
  '▲U / ▲C: better than baseline/untrained / baseline/classical. Baselines are listed under each table, not ranked.';

/** The report as GitHub-flavoured markdown: the summary, the best setups, then one table per task. */
export function renderMarkdown(report: ComparisonReport): string {
  const learned = report.rows.filter((row) => row.baseline === null);
  const baselines = report.rows.filter((row) => row.baseline !== null);
  const lines: string[] = [];
  lines.push(`# Comparison of ${learned.length} setups`);
  lines.push('');
  lines.push(`Sweep \`${report.sweep.id}\` on screen **${report.sweep.screen}**, profile ${report.sweep.profile}, ${report.cellLines} cell lines, up to ${Math.max(0, ...learned.map((row) => row.replicates))} replicates per setup. Generated ${report.generatedAt}.`);
  lines.push('');
  lines.push(CELL_LEGEND);
  lines.push('');
  lines.push('## Summary');
  lines.push('');
  lines.push(summarySentence(report));
  lines.push('');
  lines.push('| headline | best learned setup | value | baseline/classical | beats classical |');
  lines.push('|---|---|---:|---:|:---:|');
  for (const entry of report.summary.againstClassical) {
    const column = report.columns.find((candidate) => candidate.key === entry.column)!;
    const show = (value: number | null) => (value === null ? '–' : formatValue(value, column));
    lines.push(`| ${entry.label} | ${entry.bestSetup ?? '–'} | ${show(entry.value)} | ${show(entry.classical)} | ${entry.beats === null ? '–' : entry.beats ? 'yes' : 'no'} |`);
  }
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
    lines.push(`| setup | ${columns.map((column) => `${column.label} ${column.better === 'higher' ? '↑' : '↓'}${report.headlines.includes(column.key) ? ' (headline)' : ''}`).join(' | ')} | task rank |`);
    lines.push(`|---|${columns.map(() => '---:').join('|')}|---:|`);
    const ordered = [...learned].sort((a, b) => (a.taskRanks[task] ?? Infinity) - (b.taskRanks[task] ?? Infinity));
    for (const row of [...ordered, ...baselines]) {
      const rank = row.taskRanks[task];
      lines.push(`| ${rowName(row)} | ${columns.map((column) => formatCell(row.cells[column.key], column)).join(' | ')} | ${rank === undefined ? '–' : rank.toFixed(1)} |`);
    }
  }
  if (report.resourceReference) {
    lines.push('');
    lines.push(`Resource ratios in \`compareResources\` are relative to ${report.resourceReference.setup}.`);
  }
  lines.push('');
  return lines.join('\n');
}

/** How many learned setups beat the untrained encoder on every headline. */
export function summarySentence(report: ComparisonReport): string {
  const { summary } = report;
  const headlines = summary.headlines.map((key) => report.columns.find((column) => column.key === key)?.label ?? key).join(', ');
  if (summary.beatUntrainedOnEveryHeadline === null) return `No baseline/untrained row in this sweep: nothing says whether training helped. Headlines: ${headlines}.`;
  return `${summary.beatUntrainedOnEveryHeadline} of ${summary.learnedSetups} learned setups beat baseline/untrained on every headline (${headlines}).`;
}

/** The setup's name, its replicates when several, its status when not succeeded; baselines marked. */
export function rowName(row: ReportRow): string {
  const marks = [row.baseline === null ? '' : 'baseline, not ranked', row.replicates > 1 ? `${row.replicates} replicates` : '', row.status === 'succeeded' ? '' : row.status].filter(Boolean);
  const name = row.baseline === null ? row.setup : `*${row.setup}*`;
  return marks.length === 0 ? name : `${name} (${marks.join(', ')})`;
}

export function formatCell(cell: ReportCell | undefined, column: MetricColumn): string {
  if (!cell || cell.value === null) return '–';
  const interval = cell.interval ? ` ${formatInterval(cell.interval, column)}` : '';
  const spread = cell.spread === null ? '' : ` ± ${formatValue(cell.spread, column)}`;
  const rank = cell.rank === null ? '' : ` (${cell.rank})`;
  return `${formatValue(cell.value, column)}${interval}${spread}${rank}${cellMarks(cell)}`;
}

/** The tie and beats marks: " ≈ ▲U ▲C". */
export function cellMarks(cell: ReportCell): string {
  const marks = [cell.tiedWithBest === true && cell.rank !== 1 ? '≈' : '', cell.beats?.untrained ? '▲U' : '', cell.beats?.classical ? '▲C' : ''].filter(Boolean);
  return marks.length === 0 ? '' : ` ${marks.join(' ')}`;
}

export function formatInterval(interval: { low: number; high: number }, column: Pick<MetricColumn, 'unit'>): string {
  return `[${formatValue(interval.low, column)}, ${formatValue(interval.high, column)}]`;
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
