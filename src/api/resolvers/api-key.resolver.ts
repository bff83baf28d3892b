import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { ApiKey, CreatedApiKey, RoleValue } from '../types/api-key.types';

@Resolver()
export class ApiKeyResolver {
  @Authorized('admin')
  @Query(() => [ApiKey])
  async apiKeys(@Ctx() { services }: RequestContext) {
    return services.apiKeys.list();
  }

  @Authorized('admin')
  @Mutation(() => CreatedApiKey, { description: 'the key is in the answer once; store it' })
  async createApiKey(
    @Arg('role', () => RoleValue) role: RoleValue,
    @Arg('name', () => String, { defaultValue: 'api' }) name: string,
    @Ctx() { services }: RequestContext,
  ) {
    const { key, record } = await services.apiKeys.create(name, role);
    return { key, apiKey: record };
  }

  @Authorized('admin')
  @Mutation(() => Boolean, { description: 'false when no active key has this id' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { services }: RequestContext) {
    return services.apiKeys.revoke(id);
  }
}
