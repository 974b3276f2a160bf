import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { AuditLog } from '../service/audit-log.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

/** `SEQ:HASH`, as `audit verify` prints it. */
function parseHead(value: string): { seq: number; hash: string } {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(value);
  if (!match) throw new Error(`--head must be SEQ:HASH as printed by "foryou audit verify", got "${value}"`);
  return { seq: Number(match[1]), hash: match[2]! };
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute the whole chain; exit 0 when intact, else 1 naming the first bad entry')
    .requiredOption('--db <file>', 'the SQLite store')
    .option('--head <seq:hash>', 'a head recorded earlier (e.g. by an auditor): it must still be in the chain')
    .option('--json', 'print the verdict as one JSON object on stdout')
    .action(async (options: { db: string; head?: string; json?: boolean }) => {
      const expected = options.head === undefined ? undefined : parseHead(options.head);
      // Opening a missing path would create an empty store, whose empty log would verify.
      if (!existsSync(options.db)) throw new Error(`--db: no store at "${options.db}"`);
      const store = new SqliteStore(options.db);
      let verdict;
      try {
        verdict = await new AuditLog(store).verify(expected);
      } finally {
        await store.close();
      }
      const head = `${verdict.head.seq}:${verdict.head.hash}`;
      if (options.json) console.log(JSON.stringify(verdict));
      if (verdict.ok) {
        if (!options.json) console.log(`audit log intact: ${verdict.head.count} entries; head ${head}`);
        return;
      }
      console.error(`audit log broken at entry ${verdict.badSeq}: ${verdict.problem}`);
      process.exitCode = 1;
    });
}
