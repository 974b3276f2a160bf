/** `foryou keys`: create, list and revoke API keys in a store. Keys are shown once, at creation; only hashes are kept. */
import type { Command } from 'commander';
import { ApiKeys, ROLES } from '../auth/api-keys.js';
import { InputError } from '../core/errors.js';
import { AuditLog } from '../service/audit-log.js';
import { auditKeyChanges } from '../service/key-audit.js';
import { openStore } from '../store/open-store.js';
import type { ApiKeyRecord } from '../store/store.js';

const DB_HELP = 'the store (SQLite file)';
const DEFAULT_DB = 'data/foryou.db';

async function withKeys<T>(db: string, work: (keys: ApiKeys) => Promise<T>): Promise<T> {
  const store = openStore(db);
  try {
    return await work(new ApiKeys(store, { onChange: auditKeyChanges(new AuditLog(store), 'operator (foryou keys)') }));
  } catch (error) {
    // Name the option at fault: the CLI's options are the fields here.
    if (error instanceof InputError) {
      throw new Error(error.problems.map((p) => `--${p.field}: ${p.message}`).join('; ') || error.message);
    }
    throw error;
  } finally {
    await store.close();
  }
}

function time(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString();
}

function row(record: ApiKeyRecord): string[] {
  return [record.id, record.role, record.user ?? '-', time(record.createdAt), time(record.revokedAt)];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke API keys (only their hashes are stored)');

  keys
    .command('create')
    .description('create a key and print it as the last line of stdout (it cannot be shown again)')
    .option('--db <file>', DB_HELP, DEFAULT_DB)
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--user <id>', 'the user a user key belongs to (it reaches only that user\'s feed and data)')
    .action(async (options: { db: string; role: string; user?: string }) => {
      const { key, record } = await withKeys(options.db, (k) => k.create(options.role, options.user));
      const owner = record.user === null ? '' : ` for user "${record.user}"`;
      console.error(`created ${record.role} key ${record.id}${owner}; store it now, it is not kept in clear:`);
      console.log(key);
    });

  keys
    .command('list')
    .description('list keys: ids, roles, users, creation and revocation times (never the keys)')
    .option('--db <file>', DB_HELP, DEFAULT_DB)
    .option('--json', 'one JSON array on stdout')
    .action(async (options: { db: string; json?: boolean }) => {
      const records = await withKeys(options.db, (k) => k.list());
      if (options.json) {
        console.log(JSON.stringify(records.map(({ hash: _hash, ...rest }) => rest)));
        return;
      }
      console.log(table([['id', 'role', 'user', 'created', 'revoked'], ...records.map(row)]));
    });

  keys
    .command('revoke')
    .description('revoke a key by id: it is refused from the next request on, also by a running server')
    .argument('<id>', 'the key id (as `foryou keys list` shows it; also the part after "fy_" of the key)')
    .option('--db <file>', DB_HELP, DEFAULT_DB)
    .action(async (id: string, options: { db: string }) => {
      const record = await withKeys(options.db, (k) => k.revoke(id));
      console.log(`revoked ${record.role} key ${record.id} at ${time(record.revokedAt)}`);
    });
}
