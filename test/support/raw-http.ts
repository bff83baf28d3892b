import http from 'node:http';
import { mapConcurrently } from '../../src/util/map-concurrently';

export interface RawAnswer {
  status: number;
  body: string;
}

/**
 * One request exactly as given (any method, header or byte), over node:http rather than fetch,
 * which refuses some of them. A request the server does not answer within `timeoutMs` is
 * status 0: a hang is a failure as much as a 500.
 */
export function rawRequest(base: string, request: { method: string; path: string; headers: Record<string, string>; body?: string | Buffer }, agent: http.Agent, timeoutMs: number): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const outgoing = http.request(`${base}${request.path}`, { method: request.method, headers: request.headers, agent, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', () => resolve({ status: 0, body: 'response aborted' }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', (error) => resolve({ status: 0, body: `request failed: ${error.message}` }));
    outgoing.end(request.body);
  });
}

/** Sends the requests `concurrency` at a time; answers in the requests' order. */
export async function sendAll<T extends { method: string; path: string; headers: Record<string, string>; body?: string | Buffer }>(base: string, requests: readonly T[], concurrency: number, timeoutMs: number): Promise<RawAnswer[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    return await mapConcurrently(requests, concurrency, (request) => rawRequest(base, request, agent, timeoutMs));
  } finally {
    agent.destroy();
  }
}
