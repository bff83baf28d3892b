/** What the load clients aim at: a finished, evaluated run and names from its screen. */
export interface LoadTargets {
  screenId: string;
  runId: string;
  compounds: string[];
  cellLines: string[];
  imageIds: string[];
}

export interface LoadOperation {
  name: string;
  /** how many of every 100 requests */
  share: number;
  query: string;
  variables(targets: LoadTargets, i: number): Record<string, unknown>;
}

const at = <T>(items: readonly T[], i: number): T => items[i % items.length];

/** The operations of the dashboard and the README in about the proportions a page of the dashboard sends them. */
export const LOAD_OPERATIONS: readonly LoadOperation[] = [
  { name: 'setups', share: 10, query: '{ setups(first: 16) { totalCount edges { node { name paradigm cropMode augment } } } }', variables: () => ({}) },
  { name: 'screens', share: 10, query: '{ screens(first: 10) { totalCount edges { node { id name imageCount } } } }', variables: () => ({}) },
  {
    name: 'runs',
    share: 15,
    query: 'query ($screen: ID) { runs(first: 20, screen: $screen) { totalCount edges { node { id status epochsCompleted setup { name } progress { fraction } } } } }',
    variables: (targets) => ({ screen: targets.screenId }),
  },
  { name: 'run', share: 15, query: 'query ($id: ID!) { run(id: $id) { id status epochsCompleted config setup { name } } }', variables: (targets) => ({ id: targets.runId }) },
  {
    name: 'nearestImages',
    share: 20,
    query: 'query ($run: ID!, $image: ID!) { nearestImages(run: $run, image: $image, k: 10) { imageId distance } }',
    variables: (targets, i) => ({ run: targets.runId, image: at(targets.imageIds, i) }),
  },
  {
    name: 'nearestCompounds',
    share: 15,
    query: 'query ($run: ID!, $compound: ID!, $cellLine: ID!) { nearestCompounds(run: $run, compound: $compound, cellLine: $cellLine, k: 5) { compound { name moa } concentration distance sharesMoa } }',
    variables: (targets, i) => ({ run: targets.runId, compound: at(targets.compounds, i), cellLine: at(targets.cellLines, i) }),
  },
  {
    name: 'classification',
    share: 10,
    query: 'query ($run: ID!) { classification(run: $run) { runId aggregate { rocAuc { median { value } } accuracy { median { value } } } cellLines { cellLine f1 { value } } } }',
    variables: (targets) => ({ run: targets.runId }),
  },
  {
    name: 'meanAveragePrecision',
    share: 5,
    query: 'query ($run: ID!) { meanAveragePrecision(run: $run, kind: ACTIVITY) { meanAveragePrecision { value } fractionSignificant { value } } }',
    variables: (targets) => ({ run: targets.runId }),
  },
];

/**
 * The operation of the i-th request: a fixed cycle of 100 slots, so every run of the bench sends
 * the same mix, visited in steps of 37 (prime to 100) so that neighbouring requests differ.
 */
export function operationAt(i: number): LoadOperation {
  let slot = (i * 37) % 100;
  for (const operation of LOAD_OPERATIONS) {
    if (slot < operation.share) return operation;
    slot -= operation.share;
  }
  return LOAD_OPERATIONS[LOAD_OPERATIONS.length - 1];
}

type Post = (query: string, variables: Record<string, unknown>) => Promise<{ data?: any; errors?: Array<{ message: string }> }>;

/**
 * Finds what to aim at through the API itself (so --url works against any server): the given
 * run, or the newest succeeded one, its screen's compounds and cell lines, and image ids from
 * a search by one of its profiles.
 */
export async function discoverTargets(post: Post, runId: string | undefined): Promise<LoadTargets> {
  const found = runId
    ? await post('query ($id: ID!) { run(id: $id) { id status screen { id } } }', { id: runId })
    : await post('{ runs(first: 1, status: SUCCEEDED) { edges { node { id status screen { id } } } } }', {});
  const run = runId ? found.data?.run : found.data?.runs.edges[0]?.node;
  if (!run) throw new Error(`no ${runId ? `run ${runId}` : 'succeeded run'} to aim at: ${found.errors?.[0]?.message ?? 'none found'}`);
  const catalog = await post(
    'query ($screen: ID!) { compounds(screen: $screen, first: 100) { edges { node { name isControl } } } cellLines(screen: $screen, first: 100) { edges { node { name } } } }',
    { screen: run.screen.id },
  );
  const compounds: string[] = catalog.data.compounds.edges.map((edge: { node: { name: string; isControl: boolean } }) => edge.node).filter((c: { isControl: boolean }) => !c.isControl).map((c: { name: string }) => c.name);
  const cellLines: string[] = catalog.data.cellLines.edges.map((edge: { node: { name: string } }) => edge.node.name);
  const profile = await post('query ($run: ID!, $compound: ID!, $cellLine: ID!) { profile(run: $run, compound: $compound, cellLine: $cellLine) { vector } }', {
    run: run.id,
    compound: compounds[0],
    cellLine: cellLines[0],
  });
  const images = await post('query ($run: ID!, $vector: [Float!]) { nearestImages(run: $run, vector: $vector, k: 100) { imageId } }', { run: run.id, vector: profile.data?.profile.vector });
  const imageIds: string[] = images.data?.nearestImages.map((hit: { imageId: string }) => hit.imageId) ?? [];
  if (compounds.length === 0 || cellLines.length === 0 || imageIds.length === 0) throw new Error(`run ${run.id} has no profiles or embeddings to search: ${images.errors?.[0]?.message ?? profile.errors?.[0]?.message ?? ''}`);
  return { screenId: run.screen.id, runId: run.id, compounds, cellLines, imageIds };
}
