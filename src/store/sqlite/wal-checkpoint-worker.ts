/**
 * The WAL checkpointer's thread (wal-checkpointer.ts): on its own connection, copies committed pages from the
 * write-ahead log into the database file every `everyMs`, so the serving thread's commits never do it themselves.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const { path, everyMs } = workerData as { path: string; everyMs: number };
const db = new Database(path);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs and never waits for, or blocks, the writer.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy with another checkpoint (an erasure's TRUNCATE): the next tick copies what is left.
  }
}, everyMs);
parentPort!.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
