/**
 * `foryou import`: loads videos, users and events from files into the store, held to the same rules as the HTTP
 * API. Files are taken in dependency order (videos, users, events) so that events may name videos imported in the
 * same run. Valid records are written in atomic batches; a refused line is reported and left out, never written.
 */
import { open, stat } from 'node:fs/promises';
import type { RecordKind } from '../core/csv-records.js';
import type { FieldProblem } from '../core/errors.js';
import {
  completeUser,
  completeVideo,
  implicitUser,
  type AcceptedEvent,
  type User,
  type Video,
} from '../core/schemas.js';
import { acceptEvent } from '../ingest/accept-events.js';
import type { Store } from '../store/store.js';
import { ImportCatalog } from './import-catalog.js';
import { formatOfFile, type RejectedLine } from './record-readers.js';
import type { ValidRecord } from './record-validation.js';
import { validatedBatches, type SourceFile } from './validated-records.js';

export const DEFAULT_IMPORT_BATCH_SIZE = 10_000;
const IMPORT_ORDER: readonly RecordKind[] = ['videos', 'users', 'events'];

export type ImportSources = Partial<Record<RecordKind, string>>;

export interface ImportOptions extends ImportSources {
  /** Records per store transaction. */
  batchSize?: number;
  /** Called for every refused line, in line order per file; a returned promise is awaited (backpressure). */
  onRejected?: (rejected: RejectedLine) => void | Promise<void>;
  /** Called with the number of bytes read since the last call. */
  onBytes?: (bytes: number) => void;
  /** Parse and validate on a worker thread (true) or not (false); by default for files of 4 MB and more. */
  parallel?: boolean;
}

export interface FileImportResult {
  kind: RecordKind;
  file: string;
  /** Records written. For videos and users this includes replacements of records stored before. */
  accepted: number;
  /** Events: ids already stored, skipped. Videos and users: records that replaced one with the same id. */
  duplicates: number;
  rejected: number;
  seconds: number;
}

/** A file that cannot be imported at all (missing, unreadable, unknown type): the import does not start. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

export interface CheckedFile extends SourceFile {
  bytes: number;
}

/** Checks every named file up front, in import order, so that a typo fails before anything is written. */
export async function checkImportFiles(sources: ImportSources): Promise<CheckedFile[]> {
  const files: CheckedFile[] = [];
  for (const kind of IMPORT_ORDER) {
    const path = sources[kind];
    if (path === undefined) continue;
    const format = formatOfFile(path);
    if (format === undefined) {
      throw new ImportFileError(`${path}: unknown file type; use .csv, .jsonl, .ndjson or .json (JSON lines)`);
    }
    let bytes: number;
    try {
      const info = await stat(path);
      if (info.isDirectory()) throw new ImportFileError(`${path}: is a directory, not a ${kind} file`);
      bytes = info.size;
      await (await open(path, 'r')).close();
    } catch (error) {
      if (error instanceof ImportFileError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
      throw new ImportFileError(`cannot read ${kind} file ${path}: ${reason}`);
    }
    files.push({ kind, file: path, path, format, bytes });
  }
  return files;
}

export async function importFiles(store: Store, options: ImportOptions): Promise<FileImportResult[]> {
  const files = await checkImportFiles(options);
  const catalog = await ImportCatalog.load(store);
  const results: FileImportResult[] = [];
  for (const source of files) {
    const writer = writerFor(source.kind, store, catalog);
    // Events are the bulk: the store may defer its secondary indexes until the file is in.
    const run = () => importFile(source, writer, options);
    results.push(await (source.kind === 'events' ? store.bulkLoad(run) : run()));
  }
  return results;
}

/** Collects accepted records of one kind and writes them to the store a batch at a time. */
interface RecordWriter {
  /** Takes a validated record; returns the problem instead when the record is refused. */
  add(value: unknown, now: number): FieldProblem | undefined;
  readonly pending: number;
  flush(): Promise<void>;
  accepted: number;
  duplicates: number;
}

async function importFile(source: CheckedFile, writer: RecordWriter, options: ImportOptions): Promise<FileImportResult> {
  const batchSize = options.batchSize ?? DEFAULT_IMPORT_BATCH_SIZE;
  const started = performance.now();
  let rejected = 0;
  for await (const batch of validatedBatches(source, options.parallel)) {
    const now = Date.now();
    const rejects = batch.rejects;
    const parseRejects = rejects.length;
    for (let i = 0; i < batch.values.length; i++) {
      const problem = writer.add(batch.values[i], now);
      if (problem !== undefined) rejects.push({ file: source.file, line: batch.lines[i]!, problems: [problem] });
      if (writer.pending >= batchSize) await writer.flush();
    }
    // Refused here or while reading: reported together in line order.
    if (parseRejects > 0 && rejects.length > parseRejects) rejects.sort((a, b) => a.line - b.line);
    for (const rejectedLine of rejects) {
      rejected++;
      const wait = options.onRejected?.(rejectedLine);
      if (wait) await wait;
    }
    options.onBytes?.(batch.bytes);
  }
  await writer.flush();
  return {
    kind: source.kind,
    file: source.file,
    accepted: writer.accepted,
    duplicates: writer.duplicates,
    rejected,
    seconds: (performance.now() - started) / 1000,
  };
}

function writerFor(kind: RecordKind, store: Store, catalog: ImportCatalog): RecordWriter {
  if (kind === 'videos') {
    return new RecordBatchWriter<Video>(
      (value, now) => completeVideo(value as ValidRecord<'videos'>, now),
      (video) => {
        const known = catalog.hasVideo(video.id);
        catalog.addVideo(video.id, video.creator);
        return known;
      },
      async (videos) => void (await store.putVideos(videos)),
    );
  }
  if (kind === 'users') {
    return new RecordBatchWriter<User>(
      (value, now) => completeUser(value as ValidRecord<'users'>, now),
      (user) => {
        const known = catalog.hasUser(user.id);
        catalog.addUser(user.id);
        return known;
      },
      async (users) => void (await store.putUsers(users)),
    );
  }
  return new EventWriter(store, catalog);
}

/** Videos and users: upserts, so a record whose id is already known counts as a replacement (a duplicate). */
class RecordBatchWriter<T> implements RecordWriter {
  private batch: T[] = [];
  accepted = 0;
  duplicates = 0;
  constructor(
    private readonly complete: (value: unknown, now: number) => T,
    /** Records the id in the import's catalogue; true when it was known before. */
    private readonly remember: (record: T) => boolean,
    private readonly put: (records: T[]) => Promise<void>,
  ) {}

  get pending(): number {
    return this.batch.length;
  }

  add(value: unknown, now: number): undefined {
    const record = this.complete(value, now);
    if (this.remember(record)) this.duplicates++;
    this.batch.push(record);
    return undefined;
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    await this.put(this.batch);
    this.accepted += this.batch.length;
    this.batch = [];
  }
}

class EventWriter implements RecordWriter {
  private batch: AcceptedEvent[] = [];
  /** Users first met in this batch, created in the same transaction as its events (as over HTTP). */
  private implicitUsers: User[] = [];
  accepted = 0;
  duplicates = 0;
  constructor(
    private readonly store: Store,
    private readonly catalog: ImportCatalog,
  ) {}

  get pending(): number {
    return this.batch.length;
  }

  add(value: unknown, now: number): FieldProblem | undefined {
    const result = acceptEvent(value as ValidRecord<'events'>, this.catalog, now);
    if ('message' in result) return result;
    if (!this.catalog.hasUser(result.user)) {
      this.catalog.addUser(result.user);
      this.implicitUsers.push(implicitUser(result.user, now));
    }
    this.batch.push(result);
    return undefined;
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const result = await this.store.appendEvents(this.batch, this.implicitUsers, { countOnly: true });
    this.accepted += result.added;
    this.duplicates += result.duplicates;
    this.batch = [];
    this.implicitUsers = [];
  }
}
