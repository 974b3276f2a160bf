/** `foryou keys` against a real store file, and a running `foryou serve` that honours what it does at once. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../src/bench/serve-process.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { spawnServer } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const db = join(temp.dir, 'keys.db');

function foryou(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)!;
}

const asKey = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe('foryou keys', () => {
  it('creates keys (printed as the last stdout line), lists them without the keys, and a running server honours a revocation at once', async () => {
    const created = foryou('keys', 'create', '--db', db, '--role', 'user', '--user', 'alice');
    expect(created.status).toBe(0);
    const aliceKey = lastLine(created.stdout);
    expect(aliceKey).toMatch(/^fy_[0-9a-f]{12}_\S{43}$/);
    const auditorKey = lastLine(foryou('keys', 'create', '--db', db, '--role', 'auditor').stdout);
    const aliceId = aliceKey.split('_')[1]!;

    const listed = foryou('keys', 'list', '--db', db);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${aliceId}\\s+user\\s+alice\\s+\\d{4}-\\d\\d-\\d\\dT\\S+\\s+-`));
    expect(listed.stdout).toMatch(/auditor/);
    expect(listed.stdout).not.toContain(aliceKey.slice(16));
    expect(listed.stdout).not.toContain(auditorKey.slice(16));

    const server = await spawnServer(['--db', db]);
    try {
      expect((await fetch(`${server.url}/v1/feed/alice?n=2`, asKey(aliceKey))).status).toBe(200);
      expect((await fetch(`${server.url}/v1/feed/bob?n=2`, asKey(aliceKey))).status).toBe(403);
      expect((await fetch(`${server.url}/v1/algorithm/versions`, asKey(auditorKey))).status).toBe(200);
      expect((await fetch(`${server.url}/v1/events`, { method: 'POST', ...asKey(auditorKey) })).status).toBe(403);

      const revoked = foryou('keys', 'revoke', '--db', db, aliceId);
      expect(revoked.status).toBe(0);
      expect(revoked.stdout).toMatch(new RegExp(`revoked user key ${aliceId}`));
      expect((await fetch(`${server.url}/v1/feed/alice?n=2`, asKey(aliceKey))).status).toBe(401);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    // Every create and revoke is in the audit log, by key id and role, the user only as a pseudonym.
    const store = new SqliteStore(db);
    const entries = (await store.auditEntries(0, 1000)).filter((entry) => entry.kind.startsWith('key.'));
    await store.close();
    expect(entries.map((entry) => [entry.kind, entry.detail.keyId, entry.detail.role])).toEqual([
      ['key.created', aliceId, 'user'],
      ['key.created', auditorKey.split('_')[1], 'auditor'],
      ['key.revoked', aliceId, 'user'],
    ]);
    expect(entries[0]!.subject).toMatch(/^user:[0-9a-f]{32}$/);
    expect(JSON.stringify(entries)).not.toContain('alice');
    expect(foryou('audit', 'verify', '--db', db).status).toBe(0);
    const json = JSON.parse(foryou('keys', 'list', '--db', db, '--json').stdout) as Array<Record<string, unknown>>;
    expect(json.find((k) => k.id === aliceId)).toMatchObject({ role: 'user', user: 'alice', revokedAt: expect.any(Number) });
    expect(Object.keys(json[0]!)).not.toContain('hash');
  });

  it('accepts $FORYOU_SERVICE_KEY and $FORYOU_ADMIN_KEY as keys of those roles, and only while they are set', async () => {
    const env = { FORYOU_SERVICE_KEY: 'my-service-key-from-env', FORYOU_ADMIN_KEY: 'my-admin-key-from-env' };
    const server = await spawnServer(['--db', db], env);
    try {
      expect((await fetch(`${server.url}/v1/feed/bob?n=1`, asKey(env.FORYOU_SERVICE_KEY))).status).toBe(200);
      expect((await fetch(`${server.url}/v1/algorithm/versions`, { method: 'POST', ...asKey(env.FORYOU_SERVICE_KEY) })).status).toBe(403);
      const change = { changes: {}, note: 'no change, published to test the admin key' };
      const published = await fetch(`${server.url}/v1/algorithm/versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.FORYOU_ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(change),
      });
      expect(published.status).toBe(201);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    const other = await spawnServer(['--db', db], { FORYOU_SERVICE_KEY: 'a-different-service-key' });
    try {
      expect((await fetch(`${other.url}/v1/feed/bob?n=1`, asKey(env.FORYOU_SERVICE_KEY))).status).toBe(401);
    } finally {
      other.child.kill('SIGTERM');
      await other.exited;
    }
  });

  it('refuses a bad role, a user key without a user, an unknown id, naming the option', () => {
    const badRole = foryou('keys', 'create', '--db', db, '--role', 'root');
    expect(badRole.status).toBe(1);
    expect(badRole.stderr).toMatch(/--role: must be one of admin, service, auditor, user/);
    const noUser = foryou('keys', 'create', '--db', db, '--role', 'user');
    expect(noUser.status).toBe(1);
    expect(noUser.stderr).toMatch(/--user/);
    const unknown = foryou('keys', 'revoke', '--db', db, 'feedfacecafe');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/no key with id "feedfacecafe"/);
  });
});
