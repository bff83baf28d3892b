import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const CLI = path.join(__dirname, '..', '..', 'bin', 'morphospace.js');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** stderr so far: logs and messages */
  output(): string;
  /** sends a signal and resolves with the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the built CLI (`npm test` builds first) and waits until it says where it listens. */
export function startServer(args: string[], env: Record<string, string | undefined>): Promise<ServerProcess> {
  return startCli(args, env, /GraphQL API at (http:\/\/\S+)\/graphql/);
}

/** Runs the built CLI and waits for a line on stderr; `url` is the pattern's first group, if any. */
export function startCli(args: string[], env: Record<string, string | undefined>, ready: RegExp): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: undefined,
      LOG_LEVEL: 'info',
      // servers under test start without the demo sweep unless a test asks for it
      MORPHOSPACE_DEMO: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not get ready in time:\n${stderr}`)), 90_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = ready.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1] ?? '',
          child,
          output: () => stderr,
          stop: (signal = 'SIGTERM') => {
            if (child.exitCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited with ${code} before it was ready:\n${stderr}`));
    });
  });
}

/** What a client of the GraphQL-over-HTTP spec sends: with it, request errors keep their 4xx status. */
export const GRAPHQL_RESPONSE_ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

export async function graphql(url: string, query: string, options: { key?: string; variables?: object } = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE_ACCEPT, ...(options.key ? { authorization: `Bearer ${options.key}` } : {}) },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}
