import type { Principal } from '../auth/api-key.service';
import type { Services } from '../services';

/** Per request: who is asking, and the services resolvers delegate to. */
export interface RequestContext {
  principal: Principal | undefined;
  services: Services;
}
