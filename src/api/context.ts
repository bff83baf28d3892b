import type { Principal } from '../auth/api-key.service';
import type { Services } from '../services';
import { createRequestLoaders, type RequestLoaders } from './loaders/request.loaders';

/** Per request: who is asking, the services resolvers delegate to, and the request's batching loaders. */
export interface RequestContext {
  principal: Principal | undefined;
  services: Services;
  loaders: RequestLoaders;
}

export function createRequestContext(principal: Principal | undefined, services: Services): RequestContext {
  return { principal, services, loaders: createRequestLoaders(services) };
}
