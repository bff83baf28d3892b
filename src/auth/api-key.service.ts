import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyEntity } from '../db/entities/api-key.entity';
import type { ApiKeyRepository } from '../db/repositories/api-key.repository';
import { UnauthenticatedError } from '../errors/app-errors';
import type { Role } from './roles';

export interface Principal {
  role: Role;
  /** undefined for the bootstrap admin key from MORPHOSPACE_ADMIN_KEY */
  keyId: string | undefined;
}

export interface CreatedKey {
  /** shown once; only its hash is stored */
  key: string;
  record: ApiKeyEntity;
}

const KEY_PREFIX = 'msk_';

export class ApiKeyService {
  private readonly adminKeyHash: Buffer | undefined;

  constructor(
    private readonly keys: ApiKeyRepository,
    adminKey: string | undefined,
  ) {
    this.adminKeyHash = adminKey === undefined ? undefined : sha256(adminKey);
  }

  async create(name: string, role: Role): Promise<CreatedKey> {
    const key = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
    const record = await this.keys.insert({ name, role, keyHash: sha256(key).toString('hex'), prefix: key.slice(0, KEY_PREFIX.length + 6) });
    return { key, record };
  }

  /** The principal behind an Authorization header value; undefined for none; an unknown key is refused. */
  async authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    if (authorization === undefined || authorization.trim() === '') return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError('the Authorization header must be "Bearer <key>"');
    const hash = sha256(match[1]);
    if (this.adminKeyHash && timingSafeEqual(hash, this.adminKeyHash)) return { role: 'admin', keyId: undefined };
    const record = await this.keys.findActiveByHash(hash.toString('hex'));
    if (!record) throw new UnauthenticatedError('unknown or revoked API key');
    return { role: record.role, keyId: record.id };
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.keys.list();
  }

  revoke(id: string): Promise<boolean> {
    return this.keys.revoke(id);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
