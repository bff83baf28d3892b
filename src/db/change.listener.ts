import { Client } from 'pg';
import type { Logger } from 'pino';
import { CHANGE_CHANNEL, parseChangeEvent, type ChangeEvent } from './change-notifications';

/** Where the listener delivers: each change, and word that notifications may have been missed. */
export interface ChangeSink {
  change(event: ChangeEvent): void;
  /** The connection dropped and is back: whatever was announced meanwhile is lost, so re-read. */
  reconnected(): void;
}

/** Waits between reconnection attempts: doubling from the first to the last. */
const RETRY_DELAYS_MS = { first: 250, last: 10_000 };

/**
 * LISTENs on the change channel over a dedicated connection (a pooled one would be handed to
 * other queries and lose its LISTEN). A dropped connection is reopened, with backoff, until
 * `stop`; after each reopening the sink hears `reconnected`.
 */
export class PostgresChangeListener {
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private delayMs = RETRY_DELAYS_MS.first;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly sink: ChangeSink,
    private readonly logger: Logger,
  ) {}

  /** The first connection: a failure here is the caller's (the database is not there). */
  async start(): Promise<void> {
    this.client = await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<Client> {
    // keepAlive: a connection lost without a FIN is noticed by the kernel, not by the next NOTIFY that never comes
    const client = new Client({ connectionString: this.url, keepAlive: true, application_name: 'morphospace change listener' });
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL) return;
      const event = parseChangeEvent(message.payload);
      if (event) this.sink.change(event);
      else this.logger.warn({ payload: message.payload }, 'ignored a change notification that is not one');
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'change listener connection failed');
      this.dropped(client);
    });
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private dropped(client: Client): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    client.removeAllListeners();
    // a late 'error' from the dead client must not become an uncaught exception
    client.on('error', () => undefined);
    this.logger.warn('change listener lost its connection: reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.retry = setTimeout(() => {
      this.connect().then(
        (client) => {
          if (this.stopped) {
            void client.end().catch(() => undefined);
            return;
          }
          this.client = client;
          this.delayMs = RETRY_DELAYS_MS.first;
          this.logger.info('change listener reconnected');
          this.sink.reconnected();
        },
        (error: unknown) => {
          if (this.stopped) return;
          this.logger.warn({ err: error, retryMs: this.delayMs }, 'change listener could not reconnect');
          this.delayMs = Math.min(this.delayMs * 2, RETRY_DELAYS_MS.last);
          this.scheduleReconnect();
        },
      );
    }, this.delayMs);
  }
}
