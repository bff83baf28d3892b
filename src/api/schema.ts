import { buildSchema, type MiddlewareFn, type PubSub } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { UnauthenticatedError } from '../errors/app-errors';
import { authChecker } from './auth.checker';
import type { RequestContext } from './context';
import { ApiKeyResolver } from './resolvers/api-key.resolver';
import { CatalogResolver } from './resolvers/catalog.resolver';
import { RunResolver } from './resolvers/run.resolver';
import { SweepResolver } from './resolvers/sweep.resolver';
import { ScreenResolver } from './resolvers/screen.resolver';
import { NeighbourResolver } from './resolvers/neighbour.resolver';
import { ComparisonResolver } from './resolvers/comparison.resolver';
import { EvaluationResolver } from './resolvers/evaluation.resolver';
import { LiveUpdateResolver } from './resolvers/live-update.resolver';
import { ExportResolver } from './resolvers/export.resolver';
import { EVALUATION_TASKS } from '../evaluation/tasks/task.registry';

export const RESOLVERS = [CatalogResolver, RunResolver, ApiKeyResolver, ScreenResolver, SweepResolver, NeighbourResolver, EvaluationResolver, ComparisonResolver, LiveUpdateResolver, ExportResolver] as const;

/** When the server requires a reader key, every top-level query field checks for one. */
const requireReader: MiddlewareFn<RequestContext> = ({ context, info }, next) => {
  if (info.parentType.name === 'Query' && context.principal === undefined) throw new UnauthenticatedError();
  return next();
};

/**
 * type-graphql asks for a PubSub whenever a schema has subscriptions, even when each brings its
 * own `subscribe`, as ours do (they read LiveUpdateService, which owns the PubSub changes go
 * through). Topic subscriptions would bypass it, so this one refuses them.
 */
const TOPICS_REFUSED: PubSub = {
  publish() {
    throw new Error('publish changes through services.live');
  },
  subscribe() {
    throw new Error('subscriptions subscribe through services.live: give @Subscription a subscribe function');
  },
};

export async function buildApiSchema(options: { requireReaderForQueries: boolean }): Promise<GraphQLSchema> {
  const taskResolvers = await Promise.all(EVALUATION_TASKS.map((task) => task.resolver()));
  return buildSchema({
    resolvers: [...RESOLVERS, ...taskResolvers],
    authChecker,
    globalMiddlewares: options.requireReaderForQueries ? [requireReader] : [],
    validate: false,
    pubSub: TOPICS_REFUSED,
  });
}
