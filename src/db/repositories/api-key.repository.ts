import { IsNull, type DataSource } from 'typeorm';
import { ApiKeyEntity, type Role } from '../entities/api-key.entity';

export class ApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(key: { name: string; role: Role; keyHash: string; prefix: string }): Promise<ApiKeyEntity> {
    return this.dataSource.getRepository(ApiKeyEntity).save(this.dataSource.getRepository(ApiKeyEntity).create(key));
  }

  async findActiveByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.dataSource.getRepository(ApiKeyEntity).findOneBy({ keyHash, revokedAt: IsNull() });
  }

  async list(): Promise<ApiKeyEntity[]> {
    return this.dataSource.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC' } });
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ApiKeyEntity).update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }
}
