/* The morphospace dashboard: plain browser JavaScript over the GraphQL API, plotted with
 * Observable Plot (served from node_modules; no build step). Each plot container records how
 * many data items it drew in data-points, which the browser test reads. */
'use strict';

const state = { sweepId: null, screenId: null, runs: [], cellLines: [], compounds: new Map(), signature: '', report: null, best: [], picked: new Set() };
const $ = (id) => document.getElementById(id);

async function gql(query, variables) {
  const response = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
  return body.data;
}

function message(container, text) {
  container.replaceChildren(Object.assign(document.createElement('p'), { className: 'message', textContent: text }));
  container.dataset.points = '0';
}

function show(container, plot, points) {
  container.replaceChildren(plot);
  container.dataset.points = String(points);
}

function option(value, label) {
  return Object.assign(document.createElement('option'), { value, textContent: label });
}

function fillSelect(select, options, keep) {
  const previous = keep ? select.value : null;
  select.replaceChildren(...options.map(([value, label]) => option(value, label)));
  if (previous && options.some(([value]) => value === previous)) select.value = previous;
}

// ---- sweeps and runs ----

async function loadSweeps() {
  const data = await gql('{ sweeps(first: 100) { edges { node { id profile createdAt screen { id name } } } } }');
  const sweeps = data.sweeps.edges.map((edge) => edge.node);
  if (sweeps.length === 0) {
    $('sweep-summary').textContent = 'no sweep yet: `morphospace start` queues the demo sweep';
    return false;
  }
  const wanted = new URLSearchParams(location.search).get('sweep');
  const chosen = sweeps.find((sweep) => sweep.id === wanted) || sweeps[sweeps.length - 1];
  fillSelect($('sweep-select'), sweeps.map((sweep) => [sweep.id, `${sweep.screen.name} · ${sweep.profile} · ${sweep.id.slice(0, 8)}`]));
  $('sweep-select').value = chosen.id;
  await selectSweep(chosen.id, sweeps);
  return true;
}

async function selectSweep(id, sweeps) {
  const sweep = sweeps.find((candidate) => candidate.id === id);
  state.sweepId = id;
  state.screenId = sweep.screen.id;
  state.signature = '';
  $('sweep-summary').textContent = `screen ${sweep.screen.name}, profile ${sweep.profile}`;
  const data = await gql(
    `query($screen: ID!) { cellLines(screen: $screen, first: 100) { edges { node { id name } } }
      compounds(screen: $screen, first: 100) { edges { node { id name moa isControl } } } }`,
    { screen: state.screenId },
  );
  state.cellLines = data.cellLines.edges.map((edge) => edge.node);
  state.compounds = new Map(data.compounds.edges.map((edge) => [edge.node.name, edge.node]));
  const lines = state.cellLines.map((line) => [line.name, line.name]);
  fillSelect($('umap-cell-line'), lines, true);
  fillSelect($('nearest-cell-line'), lines, true);
  $('compound-names').replaceChildren(...[...state.compounds.keys()].map((name) => option(name, name)));
  try {
    await refresh();
  } finally {
    // live updates (or polling) whether or not the first read worked
    watchSweep();
  }
}

async function loadRuns() {
  const data = await gql(
    `query($sweep: ID!) { runs(sweep: $sweep, first: 100) { edges { node { id status epochsCompleted config
        setup { name } progress { fraction epoch epochs } } } } }`,
    { sweep: state.sweepId },
  );
  state.runs = data.runs.edges.map((edge) => edge.node).sort((a, b) => a.setup.name.localeCompare(b.setup.name));
  const body = $('runs').tBodies[0];
  body.replaceChildren(
    ...state.runs.map((run) => {
      const row = document.createElement('tr');
      row.dataset.status = run.status.toLowerCase();
      const fraction = run.status === 'SUCCEEDED' ? 1 : run.progress ? run.progress.fraction : 0;
      row.innerHTML = `<td></td><td class="status-${run.status.toLowerCase()}">${run.status.toLowerCase()}</td>
        <td><span class="bar-track"><span class="bar" style="width:${Math.round(fraction * 90)}px"></span></span> ${Math.round(fraction * 100)}%</td>
        <td>${run.epochsCompleted}/${run.config.epochs ?? '?'}</td>`;
      row.cells[0].textContent = run.setup.name;
      return row;
    }),
  );
  const counts = {};
  for (const run of state.runs) counts[run.status] = (counts[run.status] || 0) + 1;
  $('status-line').textContent = Object.entries(counts).map(([status, count]) => `${count} ${status.toLowerCase()}`).join(', ');
  const finished = state.runs.filter((run) => run.status === 'SUCCEEDED').map((run) => [run.id, run.setup.name]);
  fillSelect($('umap-run'), finished, true);
  fillSelect($('nearest-run'), finished, true);
  fillSelect($('moa-run'), finished, true);
  return state.runs.map((run) => `${run.id}:${run.status}:${run.epochsCompleted}`).join(',');
}

// ---- resource bars ----

let resources = null;

async function loadResources() {
  const data = await gql(
    `query($sweep: ID!) { compareResources(sweep: $sweep) { referenceRunId runs { runId setup status wallSeconds timeToBestEpochSeconds imagesPerSecond peakRssBytes peakTensorBytes
       ratios { wallSeconds imagesPerSecond } } } }`,
    { sweep: state.sweepId },
  );
  resources = data.compareResources;
  drawResources();
}

function drawResources() {
  const container = $('resources');
  if (!resources) return message(container, 'loading');
  const figure = $('resource-figure').value;
  const bytes = figure.endsWith('Bytes');
  const rows = resources.runs.filter((run) => run[figure] !== null).map((run) => ({ setup: run.setup, value: bytes ? run[figure] / 1048576 : run[figure], ratio: run.ratios.wallSeconds, paradigm: run.setup.split('/')[0] }));
  if (rows.length === 0) return message(container, 'no finished epoch yet');
  const plot = Plot.plot({
    width: 640,
    height: rows.length * 22 + 60,
    marginLeft: 250,
    x: { grid: true, label: $('resource-figure').selectedOptions[0].textContent },
    y: { label: null },
    color: { legend: true },
    marks: [
      Plot.barX(rows, { y: 'setup', x: 'value', fill: 'paradigm', sort: { y: 'x', reverse: figure === 'imagesPerSecond' }, tip: true, title: (d) => `${d.setup}\n${d.value.toFixed(1)}\nwall time ${d.ratio === null ? '?' : d.ratio.toFixed(2)}× the reference run` }),
      Plot.ruleX([0]),
    ],
  });
  show(container, plot, rows.length);
}

// ---- UMAP scatter ----

async function drawUmap() {
  const container = $('umap');
  const run = $('umap-run').value;
  const cellLine = $('umap-cell-line').value;
  if (!run || !cellLine) return message(container, 'no finished run yet');
  let clustering;
  try {
    const data = await gql('query($run: ID!, $cellLine: ID!) { clustering(run: $run, cellLine: $cellLine) { reason coordinates compounds } }', { run, cellLine });
    clustering = data.clustering;
  } catch (error) {
    return message(container, `no clustering yet for this run (${error.message})`);
  }
  if (!clustering.coordinates || clustering.coordinates.length === 0) return message(container, clustering.reason || 'no points');
  const by = $('umap-colour').value;
  const points = clustering.coordinates.map(([x, y], i) => {
    const compound = clustering.compounds[i];
    const info = state.compounds.get(compound);
    return { x, y, compound, moa: (info && (info.isControl ? 'control' : info.moa)) || 'unknown' };
  });
  const plot = Plot.plot({
    width: 760,
    height: 520,
    grid: true,
    x: { label: 'UMAP 1' },
    y: { label: 'UMAP 2' },
    color: { legend: true, type: 'categorical', scheme: 'tableau10' },
    marks: [Plot.dot(points, { x: 'x', y: 'y', fill: by, r: 3, fillOpacity: 0.8, tip: true, title: (d) => `${d.compound}\n${d.moa}` })],
  });
  show(container, plot, points.length);
}

// ---- nearest compounds ----

async function lookUpNearest(event) {
  if (event) event.preventDefault();
  const body = $('nearest').tBodies[0];
  const run = $('nearest-run').value;
  if (!run) return;
  try {
    const data = await gql(
      'query($run: ID!, $compound: ID!, $cellLine: ID!, $k: Int!) { nearestCompounds(run: $run, compound: $compound, cellLine: $cellLine, k: $k) { compound { name moa } concentration distance sharesMoa } }',
      { run, compound: $('nearest-compound').value.trim(), cellLine: $('nearest-cell-line').value, k: Number($('nearest-k').value) || 5 },
    );
    body.replaceChildren(
      ...data.nearestCompounds.map((hit, i) => {
        const row = document.createElement('tr');
        for (const text of [i + 1, hit.compound.name, `${hit.compound.moa || '–'}${hit.sharesMoa ? ' (same MoA)' : ''}`, hit.concentration, hit.distance.toFixed(4)]) {
          row.appendChild(Object.assign(document.createElement('td'), { textContent: String(text) }));
        }
        return row;
      }),
    );
  } catch (error) {
    const row = document.createElement('tr');
    row.appendChild(Object.assign(document.createElement('td'), { colSpan: 5, className: 'message', textContent: error.message }));
    body.replaceChildren(row);
  }
}

// ---- refresh: the runs table, then the rest when runs change ----

async function refresh() {
  const signature = await loadRuns();
  // loadRuns refills the run lists: their best-setup labels come back from the last report
  if (signature === state.signature) return offerBestRun();
  const first = state.signature === '';
  state.signature = signature;
  await Promise.all([drawHeatmap().catch((error) => message($('heatmap'), error.message)), loadResources().catch((error) => message($('resources'), error.message))]);
  offerBestRun();
  if (first) {
    await drawUmap().catch((error) => message($('umap'), error.message));
    await lookUpNearest();
    await drawMoaAccuracy();
  }
}

async function main() {
  $('resource-figure').addEventListener('change', drawResources);
  for (const id of ['umap-run', 'nearest-run', 'moa-run']) $(id).addEventListener('change', () => state.picked.add(id));
  $('moa-run').addEventListener('change', drawMoaAccuracy);
  for (const id of ['umap-run', 'umap-cell-line', 'umap-colour']) $(id).addEventListener('change', () => drawUmap());
  $('nearest-form').addEventListener('submit', lookUpNearest);
  $('sweep-select').addEventListener('change', () => {
    history.replaceState(null, '', `?sweep=${encodeURIComponent($('sweep-select').value)}`);
    loadSweeps().catch(showError);
  });
  try {
    if (!(await loadSweeps())) {
      setTimeout(main, 5000);
      return;
    }
  } catch (error) {
    showError(error);
  }
  document.body.dataset.ready = 'true';
}

main();
