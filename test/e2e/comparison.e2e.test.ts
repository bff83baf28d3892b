import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFinishedSweep, FIXTURE_SETUPS, type FinishedSweep } from '../support/finished-sweep';
import { addReplicate } from '../support/add-replicate';
import { graphql, startServer, type ServerProcess } from '../support/server-process';

const CLI = path.join(__dirname, '..', '..', 'bin', 'morphospace.js');

/** The README's walkthrough: every graphql block between "## Walkthrough" and the next section. */
function walkthroughQueries(): string[] {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Walkthrough');
  const end = readme.indexOf('\n## ', start + 5);
  return [...readme.slice(start, end).matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1].trim());
}

describe('comparisons, reports and the README walkthrough over HTTP', () => {
  let sweep: FinishedSweep;
  let server: ServerProcess;

  beforeAll(async () => {
    sweep = await buildFinishedSweep('e2e_comparison');
    await addReplicate(sweep.env.DATABASE_URL, sweep.runIds);
    server = await startServer(['serve', '--port', '0'], sweep.env);
  }, 300_000);
  afterAll(async () => {
    if (server) expect(await server.stop('SIGTERM')).toBe(0);
    await sweep?.drop();
  });

  it('answers every query of the README walkthrough', async () => {
    const queries = walkthroughQueries();
    expect(queries.length).toBeGreaterThanOrEqual(6);
    for (const query of queries) {
      const { status, body } = await graphql(server.url, query.replaceAll('RUN_ID', sweep.runIds[0]).replaceAll('SWEEP_ID', sweep.sweepId));
      expect(body.errors, query).toBeUndefined();
      expect(status).toBe(200);
      const [field] = Object.values(body.data as Record<string, unknown>);
      expect(field, query).toBeTruthy();
      if (Array.isArray(field)) expect(field.length, query).toBeGreaterThan(0);
    }
  });

  it('compares resources with the reference run at ratio 1', async () => {
    const query = `query($sweep: ID, $runs: [ID!], $reference: ID) { compareResources(sweep: $sweep, runs: $runs, reference: $reference) {
      referenceRunId runs { runId setup backend device epochs bestEpoch wallSeconds timeToBestEpochSeconds imagesPerSecond peakRssBytes peakTensorBytes gpuMemoryBytes
      ratios { wallSeconds timeToBestEpochSeconds imagesPerSecond peakRssBytes peakTensorBytes gpuMemoryBytes } } } }`;
    const reference = sweep.runIds[1];
    const { body } = await graphql(server.url, query, { variables: { sweep: sweep.sweepId, reference } });
    expect(body.errors).toBeUndefined();
    const { referenceRunId, runs: all } = body.data.compareResources;
    expect(referenceRunId).toBe(reference);
    expect([...new Set(all.map((run: { setup: string }) => run.setup))].sort()).toEqual([...FIXTURE_SETUPS, 'baseline/classical', 'baseline/untrained'].sort());
    // the baselines are not trained: no epochs, no resource figures
    expect(all.filter((run: { setup: string }) => run.setup.startsWith('baseline/')).every((run: { epochs: number; wallSeconds: number | null }) => run.epochs === 0 && run.wallSeconds === null)).toBe(true);
    const runs = all.filter((run: { setup: string }) => !run.setup.startsWith('baseline/'));
    const base = runs.find((run: { runId: string }) => run.runId === reference);
    expect(base.ratios).toMatchObject({ wallSeconds: 1, timeToBestEpochSeconds: 1, imagesPerSecond: 1, peakRssBytes: 1, peakTensorBytes: 1, gpuMemoryBytes: null });
    for (const run of runs) {
      expect(run).toMatchObject({ backend: 'wasm', epochs: 2, gpuMemoryBytes: null });
      expect(run.wallSeconds).toBeGreaterThan(0);
      expect(run.timeToBestEpochSeconds).toBeLessThanOrEqual(run.wallSeconds + 1e-9);
      expect(run.ratios.wallSeconds).toBeCloseTo(run.wallSeconds / base.wallSeconds, 9);
      expect(run.ratios.imagesPerSecond).toBeCloseTo(run.imagesPerSecond / base.imagesPerSecond, 9);
    }
    // a list of runs instead of a sweep: the first is the reference by default
    const listed = await graphql(server.url, query, { variables: { runs: [sweep.runIds[2], sweep.runIds[0]] } });
    expect(listed.body.data.compareResources.referenceRunId).toBe(sweep.runIds[2]);
    expect(listed.body.data.compareResources.runs).toHaveLength(2);
  });

  it('refuses bad comparison requests with stable codes', async () => {
    const code = async (query: string) => (await graphql(server.url, query)).body.errors?.[0].extensions?.code;
    expect(await code('{ compareResources { referenceRunId } }')).toBe('BAD_USER_INPUT');
    expect(await code(`{ compareResources(sweep: "${sweep.sweepId}", runs: ["${sweep.runIds[0]}"]) { referenceRunId } }`)).toBe('BAD_USER_INPUT');
    expect(await code('{ compareResources(sweep: "00000000-0000-4000-8000-000000000000") { referenceRunId } }')).toBe('NOT_FOUND');
    expect(await code(`{ compareResources(runs: ["${sweep.runIds[0]}"], reference: "${sweep.runIds[1]}") { referenceRunId } }`)).toBe('BAD_USER_INPUT');
    expect(await code('{ comparisonReport(sweep: "nope") { content } }')).toBe('NOT_FOUND');
  });

  it('reports the sweep in JSON, markdown and HTML: setups over replicates, baselines marked, intervals, ties, beats, summary', async () => {
    const json = await graphql(server.url, `{ comparisonReport(sweep: "${sweep.sweepId}", format: JSON) { sweepId format content report best { task setup runIds meanRank }
      summary { headlines learnedSetups beatUntrainedOnEveryHeadline setupsBeatingUntrained againstClassical { column label bestSetup value classical beats } }
      columns { key headline } rows { setup baseline replicates runIds overallRank cells { column value interval { low high } spread replicates rank tiedWithBest tieReason beats { untrained classical } } } } }`);
    expect(json.body.errors).toBeUndefined();
    const { report, content, best, rows, columns, summary } = json.body.data.comparisonReport;
    expect(JSON.parse(content)).toEqual(report);
    expect(report.rows).toHaveLength(5);
    expect(report.cellLines).toBe(3);
    expect(rows.slice(0, 3).map((row: any) => row.setup).sort()).toEqual([...FIXTURE_SETUPS].sort());
    expect(rows.map((row: any) => row.replicates)).toEqual(rows.map((row: any) => (row.setup === FIXTURE_SETUPS[0] ? 2 : 1)));
    expect(rows.slice(3).map((row: any) => [row.setup, row.baseline])).toEqual([['baseline/untrained', 'untrained'], ['baseline/classical', 'classical']]);
    const weakly = rows.find((row: any) => row.setup === FIXTURE_SETUPS[0]);
    expect(weakly.runIds).toEqual([sweep.runIds[0], expect.any(String)]);
    expect(columns.filter((column: any) => column.headline).map((column: any) => column.key)).toEqual(['similarity.cosine.d', 'classification.topDoseRocAuc', 'clustering.ami', 'map.consistency', 'nsc.nsc']);
    for (const key of ['similarity.cosine.d', 'classification.accuracy', 'classification.topDoseRocAuc', 'clustering.silhouette', 'map.activity', 'nsc.nsc', 'resources.wallSeconds']) {
      const ranks = report.rows.map((row: any) => row.cells[key].rank).filter((rank: number | null) => rank !== null).sort();
      expect(ranks.length, key).toBeGreaterThan(0);
      expect(ranks.length, key).toBeLessThanOrEqual(3);
      expect(ranks[0], key).toBe(1);
    }
    // two replicates: mean and interval; the best of a column is tied with itself; ties are tested on 3 cell lines
    const cell = (row: any, key: string) => row.cells.find((candidate: any) => candidate.column === key);
    const topDose = cell(weakly, 'classification.accuracy');
    expect(topDose.replicates).toBe(2);
    expect(topDose.interval.low).toBeLessThanOrEqual(topDose.value);
    expect(topDose.interval.high).toBeGreaterThanOrEqual(topDose.value);
    for (const row of rows.filter((candidate: any) => candidate.baseline === null)) {
      const accuracy = cell(row, 'classification.accuracy');
      expect(accuracy.tiedWithBest, row.setup).not.toBeNull();
      if (accuracy.rank === 1) expect(accuracy.tiedWithBest).toBe(true);
      expect(accuracy.beats).not.toBeNull();
      expect(typeof accuracy.beats.untrained).toBe('boolean');
      // resources are not measured per cell line: no paired test
      const wall = cell(row, 'resources.wallSeconds');
      expect(wall.tiedWithBest).toBe(wall.rank === 1 ? true : null);
    }
    // "beats" is the learned figure against the baseline's, in the column's direction (d: higher is better)
    const untrained = rows.find((row: any) => row.baseline === 'untrained');
    for (const row of rows.filter((candidate: any) => candidate.baseline === null)) {
      const d = cell(row, 'similarity.cosine.d');
      expect(d.beats.untrained, row.setup).toBe(d.value > cell(untrained, 'similarity.cosine.d').value);
    }
    for (const row of rows.filter((candidate: any) => candidate.baseline !== null)) {
      expect(row.overallRank).toBeNull();
      for (const entry of row.cells) expect(entry).toMatchObject({ rank: null, tiedWithBest: null, beats: null });
    }
    expect(best.every((entry: { setup: string }) => FIXTURE_SETUPS.includes(entry.setup))).toBe(true);
    expect(best.map((entry: { task: string }) => entry.task)).toEqual(expect.arrayContaining(['similarity', 'classification', 'clustering', 'map', 'nsc', 'resources', 'overall']));
    expect(summary.learnedSetups).toBe(3);
    expect(summary.beatUntrainedOnEveryHeadline).toBeLessThanOrEqual(2);
    expect(summary.setupsBeatingUntrained).toHaveLength(summary.beatUntrainedOnEveryHeadline);
    for (const setup of summary.setupsBeatingUntrained) {
      const row = rows.find((candidate: any) => candidate.setup === setup);
      expect(row.cells.filter((entry: any) => summary.headlines.includes(entry.column)).every((entry: any) => entry.beats.untrained), setup).toBe(true);
    }
    expect(summary.againstClassical).toHaveLength(5);

    const markdown = await graphql(server.url, `{ comparisonReport(sweep: "${sweep.sweepId}", format: MARKDOWN) { content } }`);
    const md: string = markdown.body.data.comparisonReport.content;
    expect(md).toMatch(/^# Comparison of 3 setups/);
    expect(md).toMatch(/## Summary\n\n\d of 3 learned setups beat baseline\/untrained on every headline/);
    expect(md).toMatch(/## Best setup per task/);
    expect(md).toContain(`| ${FIXTURE_SETUPS[0]} (2 replicates) |`);
    for (const setup of FIXTURE_SETUPS.slice(1)) expect(md).toContain(`| ${setup} |`);
    expect(md).toContain('| *baseline/untrained* (baseline, not ranked) |');
    expect(md).toMatch(/[0-9.]+ \[[-0-9.]+, [-0-9.]+\] ± [0-9.]+ \(\d\)/);

    const html = await graphql(server.url, `{ comparisonReport(sweep: "${sweep.sweepId}", format: HTML) { content } }`);
    const page: string = html.body.data.comparisonReport.content;
    expect(page).toMatch(/^<!doctype html>/);
    // the 3 learned setups, then one row per headline (one per task) against the classical baseline
    expect(page.match(/<tr><th scope="row">/g)).toHaveLength(3 + 5);
    expect(page.match(/<tr class="baseline"><th scope="row">/g)).toHaveLength(2);
    expect(page).toContain('Baselines (not ranked)');
    expect(page).not.toMatch(/<script/);
  });

  it('prints the report from the command line: the newest sweep by default, any format to a file', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, ...sweep.env, LOG_LEVEL: 'warn' };
    const printed = await run(process.execPath, [CLI, 'report'], { env });
    expect(printed.stdout).toMatch(/^# Comparison of 3 setups/);
    expect(printed.stdout).toContain(sweep.sweepId);
    const out = path.join(sweep.dataDir, 'report.html');
    await run(process.execPath, [CLI, 'report', '--sweep', sweep.sweepId, '--format', 'html', '--out', out], { env });
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    const json = await run(process.execPath, [CLI, 'report', '--sweep', sweep.sweepId, '--format', 'json'], { env });
    expect(JSON.parse(json.stdout).rows).toHaveLength(5);
    await expect(run(process.execPath, [CLI, 'report', '--format', 'pdf'], { env })).rejects.toMatchObject({ code: 2 });
  });
});
