/* The dashboard's live updates: subscriptions over graphql-ws, polling while the socket is down.
 * Loaded before dashboard.js, whose refresh and state it uses once both are loaded. */
const POLL_MS = 3000;
const live = { client: null, unsubscribe: [], poller: null, refreshTimer: null };

function showError(error) {
  $('status-line').textContent = error.message || String(error);
}

function startPolling() {
  document.body.dataset.live = 'polling';
  if (!live.poller) live.poller = setInterval(() => refresh().catch(showError), POLL_MS);
}

function stopPolling() {
  document.body.dataset.live = 'socket';
  clearInterval(live.poller);
  live.poller = null;
}

/** Progress arrives every few seconds per run: updates close together make one refresh. */
function refreshSoon() {
  if (live.refreshTimer) return;
  live.refreshTimer = setTimeout(() => {
    live.refreshTimer = null;
    refresh().catch(showError);
  }, 250);
}

function liveClient() {
  if (!live.client) {
    live.client = graphqlWs.createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      // keep trying while the page is open, at most 15 s apart; the subscriptions resume on reconnection
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 15000))),
      on: {
        // whatever changed while the socket was down is read once on reconnection
        connected: () => {
          stopPolling();
          refreshSoon();
        },
        closed: () => startPolling(),
      },
    });
  }
  return live.client;
}

/** Follows the chosen sweep: its runs' changes refresh the page, a finished evaluation redraws the plots it feeds. */
function watchSweep() {
  for (const unsubscribe of live.unsubscribe) unsubscribe();
  live.unsubscribe = [];
  if (!window.graphqlWs) return startPolling();
  const client = liveClient();
  const sink = (next) => ({ next, error: startPolling, complete: () => undefined });
  live.unsubscribe.push(client.subscribe({ query: 'subscription($sweep: ID) { runUpdated(sweep: $sweep) { change } }', variables: { sweep: state.sweepId } }, sink(refreshSoon)));
  const redrawEvaluated = () => {
    drawHeatmap().catch((error) => message($('heatmap'), error.message));
    drawUmap().catch((error) => message($('umap'), error.message));
    drawMoaAccuracy();
  };
  for (const run of state.runs) {
    live.unsubscribe.push(client.subscribe({ query: 'subscription($run: ID!) { evaluationFinished(run: $run) { tasks } }', variables: { run: run.id } }, sink(redrawEvaluated)));
  }
}
