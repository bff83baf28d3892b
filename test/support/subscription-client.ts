import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** What one subscription delivered: its results in order, and how it ended. */
export interface CollectedSubscription<Data> {
  results: Array<{ data?: Data; errors?: ReadonlyArray<{ message: string; extensions?: { code?: string } }> }>;
  /** resolves when the server completes the subscription; rejects with what it sent on error */
  ended: Promise<void>;
  stop(): void;
}

/** A graphql-ws client on the server's /graphql, giving the key as the connection parameter. */
export function subscriptionClient(url: string, key?: string): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: 0,
  });
}

export function collect<Data>(client: Client, query: string, variables: Record<string, unknown>): CollectedSubscription<Data> {
  const results: CollectedSubscription<Data>['results'] = [];
  let stop = () => undefined as void;
  const ended = new Promise<void>((resolve, reject) => {
    stop = client.subscribe<Data>({ query, variables }, { next: (result) => void results.push(result as CollectedSubscription<Data>['results'][number]), error: reject, complete: resolve });
  });
  // a test that stops early does not wait for the end
  ended.catch(() => undefined);
  return { results, ended, stop: () => stop() };
}

/** The close code the server answers a connection_init with these parameters with (undefined: acknowledged). */
export async function closeCodeForConnection(url: string, connectionParams: Record<string, unknown>): Promise<number | undefined> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: connectionParams })));
    socket.once('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        socket.close();
        resolve(undefined);
      }
    });
    socket.once('close', (code) => resolve(code));
  });
}
