/**
 * API keys: who may call the HTTP API, and as what. A key reads `fy_<id>_<secret>`: the id (shown by `foryou keys
 * list`, safe to log) finds the stored record; the secret (256 random bits) proves possession. Only the SHA-256 of
 * the whole key is stored and it is compared in constant time, so neither a copy of the store nor response timing
 * yields a usable key. Lookups go to the store on every request, so a key revoked by another process (the CLI)
 * stops working at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { IdSchema } from '../core/schemas.js';
import type { ApiKeyRecord, Store } from '../store/store.js';

export const ROLES = ['admin', 'service', 'auditor', 'user'] as const;
export type Role = (typeof ROLES)[number];
/** Roles whose keys are not tied to one user. */
export type StaffRole = Exclude<Role, 'user'>;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who a request acts as. */
export interface Principal {
  keyId: string;
  role: Role;
  /** The user a `user` key belongs to; null for other roles. */
  user: string | null;
}

/** A change to the set of valid keys, for the audit log (never carries the key itself). */
export interface KeyChange {
  action: 'create' | 'revoke';
  keyId: string;
  role: Role;
  user: string | null;
  at: number;
}

/** The outcome of presenting a key: who it is, or why it is refused (an HTTP 401). */
export type Identification = { principal: Principal } | { refusal: string };

/** Keys given at start (FORYOU_ADMIN_KEY, FORYOU_SERVICE_KEY): valid while the process runs, never stored. */
export type StaticKeys = Partial<Record<'admin' | 'service', string>>;

export interface ApiKeysOptions {
  staticKeys?: StaticKeys;
  /** Called, and awaited, after every create and revoke: where the audit log hooks in. */
  onChange?: (change: KeyChange) => void | Promise<void>;
}

const KEY_PATTERN = /^fy_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export class ApiKeys {
  private readonly staticKeys: Array<{ hash: Buffer; principal: Principal }>;

  constructor(
    private readonly store: Store,
    private readonly options: ApiKeysOptions = {},
  ) {
    this.staticKeys = Object.entries(options.staticKeys ?? {})
      .filter((entry): entry is [StaffRole, string] => typeof entry[1] === 'string' && entry[1].length > 0)
      .map(([role, key]) => ({ hash: sha256(key), principal: { keyId: `env-${role}`, role, user: null } }));
  }

  /** Creates and stores a key; the returned `key` is the only time it exists in clear. */
  async create(role: string, user?: string): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!isRole(role)) {
      throw new InputError('unknown role', [{ field: 'role', message: `must be one of ${ROLES.join(', ')}, got "${role}"` }]);
    }
    if (role === 'user') {
      const parsed = IdSchema.safeParse(user);
      if (!parsed.success) {
        throw new InputError('a user key needs its user', [{ field: 'user', message: 'give the user id (1–128 characters)' }]);
      }
    } else if (user !== undefined) {
      throw new InputError('only user keys belong to a user', [{ field: 'user', message: `a ${role} key takes no user` }]);
    }
    const id = randomBytes(6).toString('hex');
    const key = `fy_${id}_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id,
      hash: sha256(key).toString('hex'),
      role,
      user: role === 'user' ? user! : null,
      createdAt: Date.now(),
      revokedAt: null,
    };
    await this.store.addApiKey(record);
    await this.options.onChange?.({ action: 'create', keyId: id, role, user: record.user, at: record.createdAt });
    return { key, record };
  }

  /** Revokes a stored key; revoking it again changes nothing (and reports no change). */
  async revoke(id: string): Promise<ApiKeyRecord> {
    const before = await this.store.apiKey(id);
    if (!before) throw new InputError('no such key', [{ field: 'id', message: `no key with id "${id}"` }]);
    const after = (await this.store.revokeApiKey(id, Date.now()))!;
    if (before.revokedAt === null && isRole(after.role)) {
      await this.options.onChange?.({ action: 'revoke', keyId: id, role: after.role, user: after.user, at: after.revokedAt! });
    }
    return after;
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.store.listApiKeys();
  }

  /** Who presents this key. Every refusal reads the same except for a revoked key, which only its holder can know. */
  async identify(presented: string): Promise<Identification> {
    const hash = sha256(presented);
    for (const known of this.staticKeys) {
      if (timingSafeEqual(known.hash, hash)) return { principal: known.principal };
    }
    const match = KEY_PATTERN.exec(presented);
    if (!match) return { refusal: 'unknown API key' };
    const record = await this.store.apiKey(match[1]!);
    const stored = record && Buffer.from(record.hash, 'hex');
    if (!record || stored!.length !== hash.length || !timingSafeEqual(stored!, hash) || !isRole(record.role)) {
      return { refusal: 'unknown API key' };
    }
    if (record.revokedAt !== null) return { refusal: `API key ${record.id} was revoked` };
    return { principal: { keyId: record.id, role: record.role, user: record.user } };
  }
}
