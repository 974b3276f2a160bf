import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntryHash, canonicalJson } from '../../src/core/audit-chain.js';
import { ForyouService } from '../../src/service/foryou-service.js';
import { fetchWithKey, TEST_ADMIN_KEY, postJson, putJson, putVideos, startServer } from '../helpers/running-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const CLI = fileURLToPath(new URL('../../bin/foryou.js', import.meta.url));
const temp = makeTempDir();
const original = join(temp.dir, 'audited.db');
afterAll(() => temp.cleanup());

function verify(db: string, ...extra: string[]) {
  const run = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--db', db, ...extra], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A copy of the audited store with `sql` run on it, as someone with write access to the file could. */
function tampered(name: string, sql: string): string {
  const path = join(temp.dir, `${name}.db`);
  copyFileSync(original, path);
  const db = new Database(path);
  db.exec(sql);
  db.close();
  return path;
}

beforeAll(async () => {
  // Five entries: the published default, a new version, key and role records, an export and an erasure.
  const server = await startServer(original);
  await putVideos(server.url, 3);
  await putJson(`${server.url}/v1/users/auditee`, { region: 'DE' });
  const published = await postJson(`${server.url}/v1/algorithm/versions`, {
    changes: { maxPerHashtagPerPage: 6 },
    note: 'more room per hashtag',
    author: 'ops-team',
  }, TEST_ADMIN_KEY);
  expect(published.status).toBe(201);
  await server.service.audit.append('key.created', 'admin', { role: 'service', keyId: 'k1' }, 'key:k1');
  expect((await fetchWithKey(`${server.url}/v1/users/auditee/export`)).status).toBe(200);
  expect((await fetchWithKey(`${server.url}/v1/users/auditee`, { method: 'DELETE' })).status).toBe(200);
  await server.stop();
});

describe('the audit log', () => {
  it('records algorithm versions with their content and diff, exports and erasures without the user id', async () => {
    const service = await ForyouService.open(original);
    try {
      const entries = await service.audit.page(0, 100);
      expect(entries.map((e) => e.kind)).toEqual([
        'algorithm.version',
        'algorithm.version',
        'key.created',
        'user.exported',
        'user.erased',
      ]);
      const [first, second] = entries;
      expect(first!.detail).toMatchObject({ version: 1, note: 'the published default', previousVersion: null });
      expect((first!.detail.config as Record<string, unknown>).maxPerHashtagPerPage).toBe(5);
      expect(second!.actor).toBe('ops-team');
      expect(second!.detail.changes).toEqual([{ path: 'maxPerHashtagPerPage', before: 5, after: 6 }]);
      expect(entries[3]!.subject).toBe(entries[4]!.subject);
      expect(entries[4]!.detail).toMatchObject({ users: 1 });
      expect(JSON.stringify(entries)).not.toContain('auditee');
      // Each hash is SHA-256 over the canonical JSON of the entry with the previous hash.
      for (let i = 0; i < entries.length; i++) {
        expect(entries[i]!.prevHash).toBe(i === 0 ? '0'.repeat(64) : entries[i - 1]!.hash);
        expect(auditEntryHash(entries[i]!)).toBe(entries[i]!.hash);
      }
      // A restart audits nothing twice.
      expect((await service.audit.verify()).head.seq).toBe(5);
    } finally {
      await service.close();
    }
  });

  it('audits each of two concurrently published versions once', async () => {
    const path = join(temp.dir, 'concurrent.db');
    const service = await ForyouService.open(path);
    try {
      await Promise.all([
        service.changeAlgorithm({ changes: { maxPerHashtagPerPage: 3 }, note: 'a', author: 'x' }),
        service.changeAlgorithm({ changes: { onboardingPositives: 5 }, note: 'b', author: 'y' }),
      ]);
      const audited = (await service.audit.page(0, 100)).map((e) => e.detail.version);
      expect(audited).toEqual([1, 2, 3]);
      expect((await service.audit.verify()).ok).toBe(true);
    } finally {
      await service.close();
    }
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('verifies an intact chain: exit 0 and the head to record', () => {
    const result = verify(original);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/intact: 5 entries; head 5:[0-9a-f]{64}/);
  });

  it('names an edited entry', () => {
    const path = tampered('edited', `UPDATE audit_log SET detail = '{"events":99}' WHERE seq = 4`);
    const result = verify(path);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('broken at entry 4');
    expect(result.stderr).toContain('edited');
  });

  it('names the entry after a removed one', () => {
    const result = verify(tampered('removed', 'DELETE FROM audit_log WHERE seq = 3'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('broken at entry 4');
    expect(result.stderr).toContain('removed');
  });

  it('names the first of two swapped entries', () => {
    const path = tampered(
      'swapped',
      `UPDATE audit_log SET seq = -1 WHERE seq = 2;
       UPDATE audit_log SET seq = 2 WHERE seq = 3;
       UPDATE audit_log SET seq = 3 WHERE seq = -1;`,
    );
    const result = verify(path);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('broken at entry 2');
  });

  it('catches a removed tail through the anchored head', () => {
    const result = verify(tampered('truncated', 'DELETE FROM audit_log WHERE seq >= 4'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('broken at entry 4');
    expect(result.stderr).toContain('removed from the end');
  });

  it('catches a removed tail with a rewritten anchor only against a head recorded earlier', () => {
    const recorded = /head (\d+:[0-9a-f]{64})/.exec(verify(original).stdout)![1]!;
    const path = tampered(
      'truncated-anchor',
      `DELETE FROM audit_log WHERE seq = 5;
       UPDATE meta SET value = (SELECT json_object('seq', seq, 'hash', hash) FROM audit_log WHERE seq = 4)
         WHERE key = 'audit.head';`,
    );
    expect(verify(path).status).toBe(0);
    const result = verify(path, '--head', recorded);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('broken at entry 5');
  });

  it('refuses a missing store rather than verifying an empty one', () => {
    const result = verify(join(temp.dir, 'missing.db'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('no store');
  });
});
