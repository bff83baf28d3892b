import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType, type GraphQLField, type GraphQLInputType } from 'graphql';
import { SeededRandom } from '../../src/util/seeded-random';
import { fragmentAttack, operationNameAttack, shapeAttack, sizeAttack, variableAttack, vectorAttack, type CorpusTargets, type GraphqlPayload } from './hostile-documents';
import { EnumValue, JUNK_FLOATS, JUNK_INTS, junkString, literal, UNICODE, wrongKind } from './hostile-values';

/** One request as sent: anything a client can put on the wire to /graphql and around it. */
export interface HostileRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface CorpusKeys {
  admin: string;
  reader: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** How many requests of each kind; the schema sweep adds one per field and key. */
const KINDS: Array<[string, number]> = [
  ['malformed-json', 80],
  ['content-type', 60],
  ['shape', 90],
  ['fragment-cycle', 60],
  ['bad-variables', 200],
  ['operation-name', 80],
  ['size', 50],
  ['vector', 50],
  ['unicode', 60],
  ['get', 80],
  ['batch', 30],
  ['route', 40],
  ['auth-header', 40],
];

/**
 * The same hostile requests for the same seed: each kind from its own stream, so adding a kind
 * leaves the others' requests as they were.
 */
export function hostileCorpus(seed: string, targets: CorpusTargets, keys: CorpusKeys): HostileRequest[] {
  const requests: HostileRequest[] = [];
  for (const [kind, count] of KINDS) {
    const random = SeededRandom.derive(seed, kind);
    for (let i = 0; i < count; i += 1) requests.push({ kind, ...transport(kind, random, targets, keys) });
  }
  requests.push(...schemaSweep(SeededRandom.derive(seed, 'schema'), keys));
  return requests;
}

function post(payload: GraphqlPayload | unknown[], headers: Record<string, string> = {}): Omit<HostileRequest, 'kind'> {
  return { method: 'POST', path: '/graphql', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(payload) };
}

function transport(kind: string, random: SeededRandom, targets: CorpusTargets, keys: CorpusKeys): Omit<HostileRequest, 'kind'> {
  switch (kind) {
    case 'malformed-json': {
      const valid = JSON.stringify(variableAttack(random, targets));
      const body = random.pick([
        valid.slice(0, random.int(0, valid.length)),
        `${valid}}`,
        valid.replace(/"/g, "'"),
        '[]',
        'null',
        '"query"',
        '{"query": null}',
        '{"query": 42}',
        '{"query": ["{ setups { totalCount } }"]}',
        `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
        `{"variables": ${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}, "query": "{ __typename }"}`,
      ]);
      return { method: 'POST', path: '/graphql', headers: JSON_HEADERS, body: random.chance(0.2) ? Buffer.from([0xff, 0xfe, ...Buffer.from(body)]) : body };
    }
    case 'content-type': {
      const type = random.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'text/html', '', '*/*', 'application/graphql-response+json']);
      const body = random.chance(0.5) ? JSON.stringify({ query: '{ setups(first: 1) { totalCount } }' }) : '{ setups(first: 1) { totalCount } }';
      return { method: 'POST', path: '/graphql', headers: type ? { 'content-type': type } : {}, body };
    }
    case 'shape':
      return post(shapeAttack(random));
    case 'fragment-cycle':
      return post(fragmentAttack(random));
    case 'bad-variables':
      return post(variableAttack(random, targets));
    case 'operation-name':
      return post(operationNameAttack(random));
    case 'size':
      return post(sizeAttack(random, targets));
    case 'vector':
      return post(vectorAttack(random, targets));
    case 'unicode': {
      const junk = Array.from({ length: random.int(1, 30) }, () => random.pick(UNICODE)).join('');
      return post(random.pick<GraphqlPayload>([{ query: junk }, { query: `{ run(id: ${JSON.stringify(junk)}) { id } }` }, { query: `{ ${junk} }` }, { query: '{ setups { totalCount } }', operationName: junk }, { query: `query ($x: ID!) { run(id: $x) { id } }`, variables: { x: junk } }]));
    }
    case 'get': {
      const payload = random.pick<GraphqlPayload>([
        { query: `mutation { createApiKey(role: ADMIN, name: "get") { key } }` },
        { query: 'mutation M { revokeApiKey(id: "1") }', operationName: 'M' },
        { query: `{ nearestImages(run: "${targets.runId}", image: "${targets.imageId}") { imageId } }` },
        operationNameAttack(random),
        fragmentAttack(random),
        variableAttack(random, targets),
      ]);
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(payload)) if (value !== undefined) params.set(name, typeof value === 'string' ? value : JSON.stringify(value));
      if (random.chance(0.2)) params.set('variables', '{not json');
      if (random.chance(0.1)) params.set('extensions', '{"persistedQuery":{"version":1,"sha256Hash":"abc"}}');
      return { method: random.pick(['GET', 'GET', 'HEAD']), path: `/graphql?${params.toString()}${random.chance(0.1) ? '&query=%ZZ' : ''}`, headers: random.chance(0.5) ? { authorization: `Bearer ${keys.admin}` } : {} };
    }
    case 'batch': {
      const items = Array.from({ length: random.pick([0, 1, 2, 50]) }, () => random.pick<unknown>([{ query: '{ setups(first: 1) { totalCount } }' }, sizeAttack(random, targets), null, [], 'x']));
      return post(items);
    }
    case 'route':
      return {
        method: random.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'GET', 'POST']),
        path: random.pick(['/graphql', '/graphql/', '/GRAPHQL', '/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/dashboard/../../package.json', '/index.html/..%2f..%2fpackage.json', '//graphql', '/healthz?x=' + '%'.repeat(10), '/nope']),
        headers: JSON_HEADERS,
        body: undefined,
      };
    default: {
      const authorization = random.pick(['Bearer', 'Bearer ', `Basic ${Buffer.from('a:b').toString('base64')}`, `Bearer ${junkString(random).replace(/[^\x20-\x7e]/g, '?')}`, `bearer ${keys.reader}`, `Bearer ${keys.admin} ${keys.admin}`, `Bearer ${'k'.repeat(8000)}`, `Bearer ${keys.reader}`]);
      return post({ query: random.pick(['mutation { createApiKey(role: WRITER) { key } }', '{ apiKeys { id } }', '{ setups(first: 1) { totalCount } }']) }, { authorization });
    }
  }
}

/** Every field of Query and Mutation with junk arguments, inline or as variables, with no key, a reader's and the admin's. */
function schemaSweep(random: SeededRandom, keys: CorpusKeys): HostileRequest[] {
  const schema = buildSchema(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8'));
  const requests: HostileRequest[] = [];
  for (const [operation, type] of [['query', schema.getQueryType()!], ['mutation', schema.getMutationType()!]] as const) {
    for (const field of Object.values(type.getFields())) {
      const auths = operation === 'query' ? [undefined, keys.reader] : [undefined, keys.reader, keys.admin];
      for (const key of auths) {
        for (let i = 0; i < 2; i += 1) requests.push({ kind: `schema:${field.name}`, ...post(fieldCall(random, operation, field), key ? { authorization: `Bearer ${key}` } : {}) });
      }
    }
  }
  return requests;
}

function fieldCall(random: SeededRandom, operation: string, field: GraphQLField<unknown, unknown>): GraphqlPayload {
  const asVariables = random.chance(0.5);
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const args: string[] = [];
  for (const argument of field.args) {
    if (random.chance(0.15)) continue;
    const value = junkFor(random, argument.type);
    if (asVariables) {
      definitions.push(`$${argument.name}: ${String(argument.type)}`);
      variables[argument.name] = value;
      args.push(`${argument.name}: $${argument.name}`);
    } else {
      args.push(`${argument.name}: ${random.chance(0.1) ? literal(wrongKind(random)) : literal(value)}`);
    }
  }
  const returned = getNamedType(field.type);
  const leaves = isObjectType(returned) ? Object.values(returned.getFields()).filter((child) => isLeafType(getNamedType(child.type)) && child.args.length === 0).map((child) => child.name) : [];
  const selection = isLeafType(returned) ? '' : `{ __typename ${leaves.join(' ')} }`;
  const head = definitions.length > 0 ? `${operation} Sweep(${definitions.join(', ')})` : operation;
  return { query: `${head} { ${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''} ${selection} }`, variables: asVariables ? variables : undefined };
}

function junkFor(random: SeededRandom, type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return random.chance(0.1) ? null : junkFor(random, type.ofType);
  if (isListType(type)) return random.chance(0.2) ? junkFor(random, type.ofType) : Array.from({ length: random.int(0, 4) }, () => junkFor(random, type.ofType));
  if (isEnumType(type)) return new EnumValue(random.chance(0.7) ? random.pick(type.getValues()).name : random.pick(['NOPE', 'cosine', 'null']));
  if (isInputObjectType(type)) return Object.fromEntries(Object.values(type.getFields()).map((inner) => [inner.name, junkFor(random, inner.type)]));
  switch (type.name) {
    case 'Int':
      return random.pick(JUNK_INTS);
    case 'Float':
      return random.pick(JUNK_FLOATS);
    case 'Boolean':
      return random.chance(0.9) ? random.chance(0.5) : 'true';
    default:
      return junkString(random);
  }
}
