import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import type { EmbeddedPostgresServer } from '../../src/db/embedded-postgres.server';
import { EmbeddedPostgresSupervisor } from '../../src/db/embedded-postgres.supervisor';

const TIMINGS = { checkIntervalMs: 5, firstRetryMs: 10, maxRetryMs: 40 };

/** A server that is down until its `failures`-th restart attempt has failed, and whose owner may be another process. */
class FakeServer {
  running = false;
  isOwner: boolean;
  ownerElsewhere: boolean;
  revives = 0;

  constructor(
    options: { owner: boolean; ownerElsewhere?: boolean },
    private readonly failures: number,
  ) {
    this.isOwner = options.owner;
    this.ownerElsewhere = options.ownerElsewhere ?? false;
  }

  async isRunning() {
    return this.running;
  }

  async isOwnedElsewhere() {
    return !this.isOwner && this.ownerElsewhere;
  }

  async revive() {
    this.revives += 1;
    if (!this.isOwner && !this.ownerElsewhere) this.isOwner = true;
    if (this.running || !this.isOwner) return false;
    if (this.revives <= this.failures) throw new Error('pre-existing shared memory block is still in use');
    this.running = true;
    return true;
  }
}

function recordingLogger() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => lines.push({ level, fields, message });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger };
}

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !probe(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(probe()).toBe(true);
}

describe('EmbeddedPostgresSupervisor', () => {
  it('restarts a dead server it owns, doubling the wait after each failed attempt up to the cap, one line per attempt', async () => {
    const server = new FakeServer({ owner: true }, 4);
    const { lines, logger } = recordingLogger();
    const supervisor = new EmbeddedPostgresSupervisor(server as unknown as EmbeddedPostgresServer, logger, TIMINGS);
    supervisor.start();
    await until(() => server.running && lines.some((line) => line.message === 'embedded postgres is running again'));
    await supervisor.stop();

    expect(lines.filter((line) => line.message === 'restarting embedded postgres').map((line) => line.fields.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(lines.filter((line) => line.message === 'restarting embedded postgres failed').map((line) => line.fields.retryMs)).toEqual([10, 20, 40, 40]);
    expect(lines.find((line) => line.message === 'embedded postgres is running again')?.fields).toMatchObject({ attempts: 5, restartedHere: true });
  });

  it('leaves the restart to a live owner, and takes the server over once that owner is gone', async () => {
    const server = new FakeServer({ owner: false, ownerElsewhere: true }, 0);
    const { logger } = recordingLogger();
    const supervisor = new EmbeddedPostgresSupervisor(server as unknown as EmbeddedPostgresServer, logger, TIMINGS);
    supervisor.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.revives).toBe(0);
    expect(server.running).toBe(false);

    server.ownerElsewhere = false;
    await until(() => server.running);
    await supervisor.stop();
    expect(server.isOwner).toBe(true);
  });

  it('adopts a running server whose owner has died', async () => {
    const server = new FakeServer({ owner: false }, 0);
    server.running = true;
    const { logger } = recordingLogger();
    const supervisor = new EmbeddedPostgresSupervisor(server as unknown as EmbeddedPostgresServer, logger, TIMINGS);
    supervisor.start();
    await until(() => server.isOwner);
    await supervisor.stop();
    expect(server.revives).toBeGreaterThan(0);
  });
});
