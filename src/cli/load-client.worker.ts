import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { operationAt, type LoadTargets } from './load-workload';

export interface LoadClientInput {
  url: string;
  targets: LoadTargets;
  clients: number;
  seconds: number;
}

export interface LoadClientResult {
  /** per operation: each request's latency in ms */
  latencies: Record<string, number[]>;
  /** per operation: answers with GraphQL errors or a status other than 200 */
  errors: Record<string, number>;
  serverErrors: number;
  healthLatencies: number[];
  healthFailures: number;
  elapsedSeconds: number;
}

interface Answer {
  status: number;
  body: string;
}

/**
 * The load clients, on their own thread so that they compete with an in-process server for the
 * cores, not for its event loop. Each client sends its next request when the last is answered;
 * a probe asks /healthz on its own connection, as a monitor would, every 100 ms.
 */
async function main({ url, targets, clients, seconds }: LoadClientInput): Promise<LoadClientResult> {
  // plain node:http with keep-alive: fetch (undici) costs several ms of client CPU per request
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const result: LoadClientResult = { latencies: {}, errors: {}, serverErrors: 0, healthLatencies: [], healthFailures: 0, elapsedSeconds: 0 };
  const started = performance.now();
  const end = started + seconds * 1000;
  let sent = 0;

  const client = async () => {
    while (performance.now() < end) {
      const i = sent;
      sent += 1;
      const operation = operationAt(i);
      const body = JSON.stringify({ query: operation.query, variables: operation.variables(targets, i) });
      const before = performance.now();
      const answer = await request(agent, `${url}/graphql`, 'POST', body);
      (result.latencies[operation.name] ??= []).push(performance.now() - before);
      if (answer.status >= 500 || answer.status === 0) result.serverErrors += 1;
      if (answer.status !== 200 || answer.body.includes('"errors"')) result.errors[operation.name] = (result.errors[operation.name] ?? 0) + 1;
    }
  };
  const probe = async () => {
    while (performance.now() < end) {
      const before = performance.now();
      const answer = await request(probeAgent, `${url}/healthz`, 'GET');
      result.healthLatencies.push(performance.now() - before);
      if (answer.status !== 200) result.healthFailures += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await Promise.all([probe(), ...Array.from({ length: clients }, client)]);
  result.elapsedSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  probeAgent.destroy();
  return result;
}

/** Status 0 when the connection fails: counted with the 5xx, the server did not answer. */
function request(agent: http.Agent, url: string, method: string, body?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const outgoing = http.request(url, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', () => resolve({ status: 0, body: '' }));
    });
    outgoing.on('error', () => resolve({ status: 0, body: '' }));
    outgoing.end(body);
  });
}

if (parentPort) {
  const port = parentPort;
  void main(workerData as LoadClientInput).then((result) => port.postMessage(result));
}
