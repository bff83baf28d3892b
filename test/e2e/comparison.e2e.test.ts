import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFinishedSweep, FIXTURE_SETUPS, type FinishedSweep } from '../support/finished-sweep';
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

  it('compares resources with the baseline at ratio 1', async () => {
    const query = `query($sweep: ID, $runs: [ID!], $baseline: ID) { compareResources(sweep: $sweep, runs: $runs, baseline: $baseline) {
      baselineRunId runs { runId setup backend device epochs bestEpoch wallSeconds timeToBestEpochSeconds imagesPerSecond peakRssBytes peakTensorBytes gpuMemoryBytes
      ratios { wallSeconds timeToBestEpochSeconds imagesPerSecond peakRssBytes peakTensorBytes gpuMemoryBytes } } } }`;
    const baseline = sweep.runIds[1];
    const { body } = await graphql(server.url, query, { variables: { sweep: sweep.sweepId, baseline } });
    expect(body.errors).toBeUndefined();
    const { baselineRunId, runs } = body.data.compareResources;
    expect(baselineRunId).toBe(baseline);
    expect(runs.map((run: { setup: string }) => run.setup).sort()).toEqual([...FIXTURE_SETUPS].sort());
    const base = runs.find((run: { runId: string }) => run.runId === baseline);
    expect(base.ratios).toMatchObject({ wallSeconds: 1, timeToBestEpochSeconds: 1, imagesPerSecond: 1, peakRssBytes: 1, peakTensorBytes: 1, gpuMemoryBytes: null });
    for (const run of runs) {
      expect(run).toMatchObject({ backend: 'wasm', epochs: 2, gpuMemoryBytes: null });
      expect(run.wallSeconds).toBeGreaterThan(0);
      expect(run.timeToBestEpochSeconds).toBeLessThanOrEqual(run.wallSeconds + 1e-9);
      expect(run.ratios.wallSeconds).toBeCloseTo(run.wallSeconds / base.wallSeconds, 9);
      expect(run.ratios.imagesPerSecond).toBeCloseTo(run.imagesPerSecond / base.imagesPerSecond, 9);
    }
    // a list of runs instead of a sweep: the first is the baseline by default
    const listed = await graphql(server.url, query, { variables: { runs: [sweep.runIds[2], sweep.runIds[0]] } });
    expect(listed.body.data.compareResources.baselineRunId).toBe(sweep.runIds[2]);
    expect(listed.body.data.compareResources.runs).toHaveLength(2);
  });

  it('refuses bad comparison requests with stable codes', async () => {
    const code = async (query: string) => (await graphql(server.url, query)).body.errors?.[0].extensions?.code;
    expect(await code('{ compareResources { baselineRunId } }')).toBe('BAD_USER_INPUT');
    expect(await code(`{ compareResources(sweep: "${sweep.sweepId}", runs: ["${sweep.runIds[0]}"]) { baselineRunId } }`)).toBe('BAD_USER_INPUT');
    expect(await code('{ compareResources(sweep: "00000000-0000-4000-8000-000000000000") { baselineRunId } }')).toBe('NOT_FOUND');
    expect(await code(`{ compareResources(runs: ["${sweep.runIds[0]}"], baseline: "${sweep.runIds[1]}") { baselineRunId } }`)).toBe('BAD_USER_INPUT');
    expect(await code('{ comparisonReport(sweep: "nope") { content } }')).toBe('NOT_FOUND');
  });

  it('reports the sweep in JSON, markdown and HTML with ranks and the best setup per task', async () => {
    const json = await graphql(server.url, `{ comparisonReport(sweep: "${sweep.sweepId}", format: JSON) { sweepId format content report best { task setup runId meanRank } } }`);
    expect(json.body.errors).toBeUndefined();
    const { report, content, best } = json.body.data.comparisonReport;
    expect(JSON.parse(content)).toEqual(report);
    expect(report.rows).toHaveLength(3);
    expect(report.cellLines).toBe(3);
    for (const key of ['similarity.cosine.d', 'classification.accuracy', 'clustering.silhouette', 'map.activity', 'resources.wallSeconds']) {
      const ranks = report.rows.map((row: any) => row.cells[key].rank).filter((rank: number | null) => rank !== null).sort();
      expect(ranks.length, key).toBeGreaterThan(0);
      expect(ranks[0], key).toBe(1);
    }
    expect(report.rows.every((row: any) => row.evaluated)).toBe(true);
    expect(report.rows[0].cells['classification.accuracy'].spread).not.toBeNull();
    expect(best.map((entry: { task: string }) => entry.task)).toEqual(expect.arrayContaining(['similarity', 'classification', 'clustering', 'map', 'resources', 'overall']));
    expect(FIXTURE_SETUPS).toContain(best[0].setup);

    const markdown = await graphql(server.url, `{ comparisonReport(sweep: "${sweep.sweepId}", format: MARKDOWN) { content } }`);
    const md: string = markdown.body.data.comparisonReport.content;
    expect(md).toMatch(/^# Comparison of 3 setups/);
    expect(md).toMatch(/## Best setup per task/);
    for (const setup of FIXTURE_SETUPS) expect(md).toContain(`| ${setup} |`);
    expect(md).toMatch(/± [0-9.]+ \(\d\)/);

    const html = await graphql(server.url, `{ comparisonReport(sweep: "${sweep.sweepId}", format: HTML) { content } }`);
    const page: string = html.body.data.comparisonReport.content;
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/<tr><th scope="row">/g)).toHaveLength(3);
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
    expect(JSON.parse(json.stdout).rows).toHaveLength(3);
    await expect(run(process.execPath, [CLI, 'report', '--format', 'pdf'], { env })).rejects.toMatchObject({ code: 2 });
  });
});
