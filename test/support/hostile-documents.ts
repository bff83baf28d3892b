import type { SeededRandom } from '../../src/util/seeded-random';
import { hostileVector, JUNK_INTS, junkString, literal, wrongKind } from './hostile-values';

/** A GraphQL request body before it is encoded; `variables` and `operationName` may be anything. */
export interface GraphqlPayload {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: unknown;
}

/** The ids a corpus aims at: a run with embeddings and one of its images, so some searches really run. */
export interface CorpusTargets {
  runId: string;
  imageId: string;
}

const NEAREST_IMAGES = 'query Search($run: ID!, $image: ID, $vector: [Float!], $k: Int!, $metric: DistanceMetric!) { nearestImages(run: $run, image: $image, vector: $vector, k: $k, metric: $metric) { imageId distance } }';
const PAGE = 'query Page($first: Int!, $after: String, $status: RunStatus) { runs(first: $first, after: $after, status: $status) { totalCount edges { node { id status } } } }';
const COMPOUNDS = 'query Near($run: ID!, $compound: ID!, $cellLine: ID!, $k: Int!, $normalization: ProfileNormalization!) { nearestCompounds(run: $run, compound: $compound, cellLine: $cellLine, k: $k, normalization: $normalization) { distance } }';

/** Documents too big, too deep or looping: each must be refused (or answered) without a crash. */
export function shapeAttack(random: SeededRandom): GraphqlPayload {
  const n = random.pick([10, 100, 1000, 5000]);
  switch (random.int(0, 9)) {
    case 0:
      return { query: `{ ${'runs(first: 1) { edges { node { '.repeat(Math.min(n, 3000))}id${' } } }'.repeat(Math.min(n, 3000))} }` };
    case 1:
      return { query: `{ setups(first: ${'['.repeat(n)}1${']'.repeat(n)}) { totalCount } }` };
    case 2:
      return { query: `{ nearestImages(run: "r", filter: ${'{ plate: '.repeat(n)}"p"${' }'.repeat(n)}) { imageId } }` };
    case 3:
      return { query: `{ ${'a {'.repeat(n)}${'}'.repeat(n)} }` };
    case 4:
      return { query: `{ setups(first: 1) { totalCount } } ${Array.from({ length: n }, (_, i) => `fragment F${i} on Query { setups(first: 1) { totalCount } }`).join(' ')}` };
    case 5:
      return { query: `{ ${'... on Query { '.repeat(Math.min(n, 5000))}setups(first: 1) { totalCount }${' }'.repeat(Math.min(n, 5000))} }` };
    case 6:
      return { query: `{ run(id: "${'x'.repeat(n * 40)}") { id } }` };
    case 7:
      return { query: `{ setups(first: 1) ${'@include(if: true) '.repeat(Math.min(n, 20_000))}{ totalCount } }` };
    default:
      return { query: `query ${'($a: Int)'.repeat(2)} { setups(first: 1) { totalCount } }` };
  }
}

/** Fragment cycles of every length, spread at every level, and fragments that fan out. */
export function fragmentAttack(random: SeededRandom): GraphqlPayload {
  const length = random.int(1, 12);
  const names = Array.from({ length }, (_, i) => `F${i}`);
  const on = random.pick(['RunConnection', 'Query', 'Run', 'Nope']);
  const cycle = names.map((name, i) => `fragment ${name} on ${on} { ...${names[(i + 1) % length]} ${random.chance(0.5) ? 'totalCount' : ''} }`).join(' ');
  switch (random.int(0, 5)) {
    case 0:
      return { query: `{ runs { ...F0 } } ${cycle}` };
    case 1:
      return { query: `query { ...F0 } ${cycle}` };
    case 2:
      return { query: `{ runs { ... on RunConnection { ...F0 } } } ${cycle}`, operationName: random.chance(0.5) ? 'Any' : undefined };
    case 3: {
      const fanOut = Array.from({ length: 40 }, (_, i) => `fragment G${i} on Query { ...G${i + 1} ...G${i + 1} }`).join(' ');
      return { query: `{ ...G0 } ${fanOut} fragment G40 on Query { setups(first: 1) { totalCount } }` };
    }
    default:
      return { query: `{ runs { ...Missing${random.int(0, 9)} } } ${cycle}` };
  }
}

/** Real operations with variables that do not fit: wrong type, missing, bad enum, out of range, null for non-null, not an object. */
export function variableAttack(random: SeededRandom, targets: CorpusTargets): GraphqlPayload {
  const [query, good] = random.pick<[string, Record<string, unknown>]>([
    [NEAREST_IMAGES, { run: targets.runId, image: targets.imageId, k: 5, metric: 'COSINE' }],
    [PAGE, { first: 10, status: 'SUCCEEDED' }],
    [COMPOUNDS, { run: targets.runId, compound: 'BENCH', cellLine: 'BENCH', k: 3, normalization: 'NONE' }],
  ]);
  const name = random.pick(Object.keys(good));
  const variables: Record<string, unknown> = { ...good };
  switch (random.int(0, 8)) {
    case 0:
      delete variables[name];
      break;
    case 1:
      variables[name] = null;
      break;
    case 2:
      variables[name] = random.pick(['cosine', 'MANHATTAN', '', 'NONE ', 'SUCCEEDED; --', 0]);
      break;
    case 3:
      variables[name] = random.pick(JUNK_INTS);
      break;
    case 4:
      variables[random.pick(['unknown', '__proto__', 'constructor'])] = wrongKind(random);
      break;
    case 5:
      return { query, variables: random.pick<unknown>(['{"k": 1}', [good], 42, true, null]) };
    default:
      variables[name] = wrongKind(random);
  }
  return { query, variables };
}

/** operationName against the document: mismatched, on an anonymous operation, missing among many, not a string. */
export function operationNameAttack(random: SeededRandom): GraphqlPayload {
  const anonymous = '{ setups(first: 2) { totalCount } }';
  const two = 'query A { setups(first: 1) { totalCount } } query B { screens(first: 1) { totalCount } }';
  const name = random.pick<unknown>(['A', 'B', 'C', '', ' ', 'a', null, 7, {}, [], 'A'.repeat(10_000), junkString(random)]);
  switch (random.int(0, 4)) {
    case 0:
      return { query: anonymous, operationName: name };
    case 1:
      return { query: two, operationName: name };
    case 2:
      return { query: `${anonymous} ${anonymous}`, operationName: name };
    default:
      return { query: `query A($first: Int! = 1) { setups(first: $first) { totalCount } }`, operationName: name, variables: random.chance(0.5) ? { first: wrongKind(random) } : undefined };
  }
}

/** Many aliases of cheap and costly fields, and page sizes and k beyond any limit. */
export function sizeAttack(random: SeededRandom, targets: CorpusTargets): GraphqlPayload {
  const count = random.pick([50, 200, 1000, 3000]);
  const size = random.pick([...JUNK_INTS, 100, 100]);
  const field = random.pick([
    `nearestImages(run: "${targets.runId}", image: "${targets.imageId}", k: ${size}) { imageId distance }`,
    `nearestCompounds(run: "${targets.runId}", compound: "BENCH", cellLine: "BENCH", k: ${size}) { distance }`,
    `runs(first: ${size}) { edges { node { id setup { name } } } }`,
    `setups(first: ${size}) { totalCount }`,
    `classification(run: "${targets.runId}") { runId }`,
    `embedding(run: "${targets.runId}", image: "${targets.imageId}") { vector }`,
    '__typename',
  ]);
  if (random.chance(0.3)) return { query: `{ ${field} }` };
  return { query: `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }` };
}

/** Query vectors that are not finite as 32-bit floats, overflow a distance, or have the wrong length or kind. */
export function vectorAttack(random: SeededRandom, targets: CorpusTargets): GraphqlPayload {
  const vector = hostileVector(random);
  const metric = random.pick(['EUCLIDEAN', 'COSINE']);
  if (random.chance(0.3)) {
    const inline = vector.slice(0, 2048).map((value) => (typeof value === 'number' ? literal(value) : random.pick(['1e999', '-1e999', '0.5'])));
    return { query: `{ nearestImages(run: "${targets.runId}", vector: [${inline.join(', ')}], k: 3, metric: ${metric}) { imageId distance } }` };
  }
  return { query: NEAREST_IMAGES, variables: { run: targets.runId, vector, k: random.pick([1, 10, 100]), metric } };
}
