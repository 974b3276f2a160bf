import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys, type KeyChange } from '../../src/auth/api-keys.js';
import { InputError } from '../../src/core/errors.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
let store: SqliteStore;
const changes: KeyChange[] = [];
let keys: ApiKeys;

beforeAll(() => {
  store = new SqliteStore(join(temp.dir, 'keys.db'));
  keys = new ApiKeys(store, { staticKeys: { admin: 'operator-chosen-admin-key', service: '' }, onChange: (c) => void changes.push(c) });
});
afterAll(async () => {
  await store.close();
  temp.cleanup();
});

describe('API keys', () => {
  it('stores only a hash: the key appears nowhere in the database files', async () => {
    const { key, record } = await keys.create('service');
    expect(key).toMatch(/^fy_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key).toContain(record.id);
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    const secret = key.slice(key.lastIndexOf('_') + 1);
    for (const file of readdirSync(temp.dir)) {
      const bytes = readFileSync(join(temp.dir, file));
      expect(bytes.includes(Buffer.from(secret)), file).toBe(false);
    }
    expect(await keys.identify(key)).toEqual({ principal: { keyId: record.id, role: 'service', user: null } });
  });

  it('refuses a key whose secret differs, a made-up id, and a revoked key (naming only the revocation)', async () => {
    const { key, record } = await keys.create('user', 'alice');
    expect(await keys.identify(key)).toEqual({ principal: { keyId: record.id, role: 'user', user: 'alice' } });
    const forged = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(await keys.identify(forged)).toEqual({ refusal: 'unknown API key' });
    expect(await keys.identify(`fy_ffffffffffff_${'A'.repeat(43)}`)).toEqual({ refusal: 'unknown API key' });
    expect(await keys.identify('')).toEqual({ refusal: 'unknown API key' });
    const revoked = await keys.revoke(record.id);
    expect(revoked.revokedAt).toBeGreaterThanOrEqual(record.createdAt);
    expect(await keys.identify(key)).toEqual({ refusal: `API key ${record.id} was revoked` });
    // Revoking again keeps the first time and reports no second change.
    const before = changes.length;
    expect((await keys.revoke(record.id)).revokedAt).toBe(revoked.revokedAt);
    expect(changes.length).toBe(before);
  });

  it('accepts the keys given at start as their role, and ignores an empty one', async () => {
    expect(await keys.identify('operator-chosen-admin-key')).toEqual({ principal: { keyId: 'env-admin', role: 'admin', user: null } });
    expect(await keys.identify('')).toEqual({ refusal: 'unknown API key' });
  });

  it('reports every create and revoke to the change hook, never with the key', async () => {
    changes.length = 0;
    const { key, record } = await keys.create('auditor');
    await keys.revoke(record.id);
    expect(changes).toEqual([
      { action: 'create', keyId: record.id, role: 'auditor', user: null, at: record.createdAt },
      { action: 'revoke', keyId: record.id, role: 'auditor', user: null, at: expect.any(Number) },
    ]);
    expect(JSON.stringify(changes)).not.toContain(key.slice(16));
  });

  it('lists every key with its state, revoked ones included', async () => {
    const listed = await keys.list();
    expect(listed.map((k) => k.role)).toEqual(['service', 'user', 'auditor']);
    expect(listed.map((k) => k.revokedAt === null)).toEqual([true, false, false]);
  });

  it('refuses a user key without its user, a user for another role, an unknown role, an unknown id', async () => {
    const field = async (work: Promise<unknown>) => {
      const error = await work.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).problems[0]!.field;
    };
    expect(await field(keys.create('user'))).toBe('user');
    expect(await field(keys.create('user', 'x'.repeat(129)))).toBe('user');
    expect(await field(keys.create('admin', 'alice'))).toBe('user');
    expect(await field(keys.create('root'))).toBe('role');
    expect(await field(keys.revoke('nope'))).toBe('id');
    expect((await keys.list()).length).toBe(3);
  });
});
