import type { ApolloServerPlugin } from '@apollo/server';
import type { Counter, Histogram } from 'prom-client';

export interface GraphqlInstruments {
  operations: Counter<'operation' | 'type'>;
  durations: Histogram<'operation' | 'type'>;
  errors: Counter<'operation' | 'code'>;
}

/** Operation names are the client's to choose: long ones are cut so a label stays a label. */
const MAX_OPERATION_LABEL = 64;

/** Counts each GraphQL operation, its duration and its errors by code, under its operation name. */
export function graphqlMetricsPlugin(instruments: GraphqlInstruments): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, response }) {
          const labels = { operation: (operationName ?? 'anonymous').slice(0, MAX_OPERATION_LABEL), type: operation?.operation ?? 'invalid' };
          instruments.operations.inc(labels);
          instruments.durations.observe(labels, (performance.now() - started) / 1000);
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            instruments.errors.inc({ operation: labels.operation, code: String(error.extensions?.code ?? 'UNKNOWN') });
          }
        },
      };
    },
  };
}
