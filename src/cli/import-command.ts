import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import {
  checkImportFiles,
  DEFAULT_IMPORT_BATCH_SIZE,
  importFiles,
  type FileImportResult,
} from '../import/import-files.js';
import type { RejectedLine } from '../import/record-readers.js';
import { openStore } from '../store/open-store.js';
import { positiveInteger } from './option-parsers.js';
import { startProgressBar } from './progress-bar.js';

interface ImportCommandOptions {
  db: string;
  videos?: string;
  users?: string;
  events?: string;
  batchSize: number;
  rejects?: string;
}

/** Rejected lines printed on stderr; the rest are counted (and all go to --rejects when given). */
const PRINTED_REJECTS = 100;

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'import videos, users and events from CSV or JSONL files (by extension: .csv, .jsonl/.ndjson/.json), ' +
        'validated as over HTTP; exits 1 when any line was rejected',
    )
    .requiredOption('--db <file>', 'the store (SQLite file)')
    .option('--videos <file>', 'videos file')
    .option('--users <file>', 'users file')
    .option('--events <file>', 'events file (may name videos stored before or imported in this run)')
    .option('--batch-size <n>', 'records per transaction', positiveInteger, DEFAULT_IMPORT_BATCH_SIZE)
    .option('--rejects <file>', 'write every rejected line to this file as JSON lines')
    .action(async (options: ImportCommandOptions) => {
      if (!options.videos && !options.users && !options.events) {
        throw new Error('import: name at least one file with --videos, --users or --events');
      }
      // Before opening the store: a missing file changes nothing.
      const files = await checkImportFiles(options);
      const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
      const store = openStore(options.db);
      const rejectsFile = options.rejects === undefined ? undefined : new JsonLinesFile(options.rejects);
      const progress = startProgressBar(totalBytes, 'import', 'bytes');
      let rejected = 0;
      let results: FileImportResult[];
      try {
        results = await importFiles(store, {
          ...options,
          onBytes: (bytes) => progress.increment(bytes),
          onRejected: (line) => {
            if (++rejected <= PRINTED_REJECTS) progress.log(formatRejected(line));
            return rejectsFile?.write(line);
          },
        });
      } finally {
        progress.stop();
        await store.close();
        await rejectsFile?.close();
      }
      if (rejected > PRINTED_REJECTS) {
        const where = options.rejects ? ` (all are in ${options.rejects})` : ' (use --rejects FILE to keep them all)';
        console.error(`… and ${rejected - PRINTED_REJECTS} more rejected lines${where}`);
      }
      for (const result of results) console.log(formatResult(result));
      if (rejected > 0) process.exitCode = 1;
    });
}

/** `FILE:LINE: field: reason`, several problems of one line joined by `; `. */
export function formatRejected(line: RejectedLine): string {
  const problems = line.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
  return `${line.file}:${line.line}: ${problems}`;
}

function formatResult(result: FileImportResult): string {
  const records = result.accepted + result.duplicates + result.rejected;
  const rate = result.seconds > 0 ? Math.round(records / result.seconds) : records;
  const duplicates =
    result.kind === 'events' ? `${result.duplicates} duplicates (already stored)` : `${result.duplicates} updated`;
  return (
    `${result.file}: ${result.accepted} ${result.kind} accepted, ${duplicates}, ${result.rejected} rejected ` +
    `in ${result.seconds.toFixed(1)} s (${rate} ${result.kind}/s)`
  );
}

/** The --rejects file: one JSON object per rejected line, written with backpressure. */
class JsonLinesFile {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  write(value: unknown): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    if (this.stream.write(JSON.stringify(value) + '\n')) return undefined;
    return once(this.stream, 'drain').then(() => undefined);
  }

  async close(): Promise<void> {
    this.stream.end();
    await finished(this.stream);
  }
}
