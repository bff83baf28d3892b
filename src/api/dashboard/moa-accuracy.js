/* The dashboard's MoA-accuracy panel: NSC and NSCB of one run per cell line and pooled, and the
 * confusion between MoAs under NSC. Loaded before dashboard.js, whose helpers ($, gql) it calls
 * once both are loaded. */
'use strict';

function percent(measure) {
  return measure.value === null ? '–' : `${(100 * measure.value).toFixed(1)}%`;
}

function cellsRow(texts, header) {
  const row = document.createElement('tr');
  texts.forEach((text, i) => row.appendChild(Object.assign(document.createElement(header || i === 0 ? 'th' : 'td'), { textContent: String(text) })));
  return row;
}

function scoreCells(score) {
  return [`${percent(score.accuracy)} (${score.correct}/${score.queried})`, score.skipped];
}

async function drawMoaAccuracy() {
  const table = $('moa-accuracy');
  const confusion = $('moa-confusion');
  const run = $('moa-run').value;
  const fail = (text) => {
    table.tBodies[0].replaceChildren(cellsRow([text], false));
    confusion.replaceChildren();
    table.dataset.rows = '0';
  };
  if (!run) return fail('no finished run yet');
  const score = 'accuracy { value reason } queried correct skipped';
  let result;
  try {
    const data = await gql(`query($run: ID!) { moaAccuracy(run: $run) { nsc { ${score} moas confusion } nscb { ${score} } cellLines { cellLine treatments unmatched nsc { ${score} } nscb { ${score} } } } }`, { run });
    result = data.moaAccuracy;
  } catch (error) {
    return fail(`no MoA accuracy yet for this run (${error.message})`);
  }
  const rows = result.cellLines.map((line) => cellsRow([line.cellLine, line.treatments, line.unmatched, ...scoreCells(line.nsc), ...scoreCells(line.nscb)]));
  if (result.cellLines.length > 1) rows.push(cellsRow(['all (pooled)', '', '', ...scoreCells(result.nsc), ...scoreCells(result.nscb)]));
  table.tBodies[0].replaceChildren(...rows);
  table.dataset.rows = String(result.cellLines.length);
  const why = [result.nsc, result.nscb].filter((s) => s.accuracy.value === null).map((s) => s.accuracy.reason);
  $('moa-note').textContent = why.join(' · ');
  const { moas, confusion: counts } = result.nsc;
  confusion.replaceChildren(
    cellsRow(['true MoA ↓ / neighbour →', ...moas], true),
    ...moas.map((moa, i) => cellsRow([moa, ...counts[i]])),
  );
}
