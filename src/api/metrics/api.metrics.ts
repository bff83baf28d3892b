import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsService } from '../../monitoring/metrics.service';
import { graphqlMetricsPlugin } from './graphql-metrics.plugin';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The routes a request is counted under: a fixed set, whatever path the client sends. */
export function routeLabel(pathname: string, dashboard: boolean): string {
  if (pathname === '/graphql' || pathname === '/healthz' || pathname === '/metrics') return pathname;
  if (pathname.startsWith('/images/')) return '/images';
  return dashboard ? 'dashboard' : 'other';
}

/** The API's Prometheus registry: its own HTTP and GraphQL counters, and the deployment's figures read at scrape time. */
export class ApiMetrics {
  private readonly registry = new Registry();
  private readonly httpRequests = new Counter({ name: 'morphospace_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'] as const, registers: [this.registry] });
  private readonly httpDurations = new Histogram({ name: 'morphospace_http_request_duration_seconds', help: 'HTTP request durations, by method and route', labelNames: ['method', 'route'] as const, buckets: DURATION_BUCKETS, registers: [this.registry] });
  private readonly graphql = {
    operations: new Counter({ name: 'morphospace_graphql_operations_total', help: 'GraphQL operations, by operation name and type (query, mutation; invalid when none was resolved)', labelNames: ['operation', 'type'] as const, registers: [this.registry] }),
    durations: new Histogram({ name: 'morphospace_graphql_operation_duration_seconds', help: 'GraphQL operation durations, by operation name and type', labelNames: ['operation', 'type'] as const, buckets: DURATION_BUCKETS, registers: [this.registry] }),
    errors: new Counter({ name: 'morphospace_graphql_errors_total', help: 'GraphQL errors answered, by operation name and error code', labelNames: ['operation', 'code'] as const, registers: [this.registry] }),
  };
  private readonly scraped = {
    queueDepth: this.gauge('morphospace_queue_depth', 'jobs waiting (created or retry), by queue', ['queue']),
    queueOldestAge: this.gauge('morphospace_queue_oldest_job_age_seconds', 'how long the oldest waiting job has waited, by queue (0 when none waits)', ['queue']),
    queueActive: this.gauge('morphospace_queue_active_jobs', 'jobs a worker holds now, by queue', ['queue']),
    jobOutcomes: this.gauge('morphospace_jobs_finished', 'finished jobs the queue keeps (its job and archive tables), by queue and outcome', ['queue', 'outcome']),
    jobDurations: this.gauge('morphospace_job_duration_seconds', 'durations of the kept completed or failed jobs, by queue: quantile 0.5, 0.9 and 1 (the longest)', ['queue', 'quantile']),
    trainingThroughput: this.gauge('morphospace_training_images_per_second', 'training images per second of the latest epoch of each run training now or in the last five minutes', ['run', 'setup']),
    loadedIndexBytes: this.gauge('morphospace_vector_index_loaded_bytes', 'bytes of the vector indexes this API process holds in memory', []),
    pool: this.gauge('morphospace_db_pool_connections', "this API process's PostgreSQL pool: max, total, idle, and waiting (requests queued for a connection)", ['state']),
  };

  constructor(private readonly source: MetricsService) {
    collectDefaultMetrics({ register: this.registry });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDurations.observe({ method, route }, seconds);
  }

  graphqlPlugin(): ApolloServerPlugin {
    return graphqlMetricsPlugin(this.graphql);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition, with the scrape-time figures read once for this scrape. */
  async exposition(): Promise<string> {
    const snapshot = await this.source.snapshot();
    const gauges = this.scraped;
    for (const gauge of Object.values(gauges)) gauge.reset();
    for (const queue of snapshot.queues) {
      gauges.queueDepth.set({ queue: queue.name }, queue.waiting);
      gauges.queueOldestAge.set({ queue: queue.name }, queue.oldestWaitingSeconds);
      gauges.queueActive.set({ queue: queue.name }, queue.active);
      for (const [outcome, count] of Object.entries(queue.outcomes)) gauges.jobOutcomes.set({ queue: queue.name, outcome }, count);
      if (queue.durationSeconds) {
        const { p50, p90, max } = queue.durationSeconds;
        for (const [quantile, seconds] of [['0.5', p50], ['0.9', p90], ['1', max]] as const) gauges.jobDurations.set({ queue: queue.name, quantile }, seconds);
      }
    }
    for (const run of snapshot.training) gauges.trainingThroughput.set({ run: run.runId, setup: run.setup }, run.imagesPerSecond);
    gauges.loadedIndexBytes.set(snapshot.loadedIndexBytes);
    for (const [state, count] of Object.entries(snapshot.pool)) gauges.pool.set({ state }, count);
    return this.registry.metrics();
  }

  private gauge<Label extends string>(name: string, help: string, labelNames: readonly Label[]): Gauge<Label> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}
