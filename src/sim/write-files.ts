/**
 * Writes a simulated world as the files `foryou import` reads: videos, users and events, as JSONL or CSV.
 * Events stream from the generator to disk with backpressure, so the size of the log is bounded by the disk only.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import { CSV_COLUMNS, csvLine, eventCsvCells, userCsvCells, videoCsvCells } from '../core/csv-records.js';
import type { AcceptedEvent, EventInput } from '../core/schemas.js';
import { generateEvents, type EventOptions } from './events.js';
import type { World } from './world.js';

export type WorldFileFormat = 'jsonl' | 'csv';

export interface WriteWorldOptions extends EventOptions {
  events: number;
  format?: WorldFileFormat;
  /** Called every few thousand events with the number written so far. */
  onProgress?: (eventsWritten: number) => void;
  /** Sees every event as it is written, in order (the bench collects some users' histories without a second pass). */
  onEvent?: (event: AcceptedEvent) => void;
}

export interface WorldFiles {
  videos: string;
  users: string;
  events: string;
  counts: { videos: number; users: number; events: number };
}

const PROGRESS_EVERY = 10_000;

export async function writeWorldFiles(world: World, dir: string, options: WriteWorldOptions): Promise<WorldFiles> {
  const format = options.format ?? 'jsonl';
  mkdirSync(dir, { recursive: true });
  const files = {
    videos: join(dir, `videos.${format}`),
    users: join(dir, `users.${format}`),
    events: join(dir, `events.${format}`),
  };
  const csv = format === 'csv';

  const videos = new LineWriter(files.videos);
  if (csv) videos.write(csvLine(CSV_COLUMNS.videos));
  for (const video of world.videos) {
    const full = videos.write(csv ? csvLine(videoCsvCells(video)) : JSON.stringify(video) + '\n');
    if (full) await full;
  }
  await videos.close();

  const users = new LineWriter(files.users);
  if (csv) users.write(csvLine(CSV_COLUMNS.users));
  for (const user of world.users) {
    const full = users.write(csv ? csvLine(userCsvCells(user)) : JSON.stringify(user) + '\n');
    if (full) await full;
  }
  await users.close();

  const events = new LineWriter(files.events);
  if (csv) events.write(csvLine(CSV_COLUMNS.events));
  let written = 0;
  for (const event of generateEvents(world, options.events, options)) {
    options.onEvent?.(event);
    const full = events.write(csv ? csvLine(eventCsvCells(clientEvent(event))) : eventJsonLine(event));
    if (full) await full;
    if (++written % PROGRESS_EVERY === 0) options.onProgress?.(written);
  }
  await events.close();
  options.onProgress?.(written);

  return { ...files, counts: { videos: world.videos.length, users: world.users.length, events: written } };
}

/**
 * The event as a client would send it: the creator only where it is the point (follow); the server resolves it
 * from the video otherwise.
 */
export function clientEvent(event: AcceptedEvent): EventInput {
  const input: EventInput = { id: event.id, user: event.user, type: event.type, ts: event.ts };
  if (event.video !== null) input.video = event.video;
  if (event.creator !== null && (event.type === 'follow' || event.type === 'unfollow')) input.creator = event.creator;
  if (event.watchMs !== null) input.watchMs = event.watchMs;
  return input;
}

/** JSON.stringify(clientEvent(event)), built by hand because this is the hot loop of a ten-million-line file. */
function eventJsonLine(event: AcceptedEvent): string {
  // Simulated ids and types are plain identifiers; JSON.stringify still guards any other string.
  let line = `{"id":${quote(event.id)},"user":${quote(event.user)}`;
  if (event.video !== null) line += `,"video":${quote(event.video)}`;
  if (event.creator !== null && (event.type === 'follow' || event.type === 'unfollow')) {
    line += `,"creator":${quote(event.creator)}`;
  }
  line += `,"type":"${event.type}","ts":${event.ts}`;
  if (event.watchMs !== null) line += `,"watchMs":${event.watchMs}`;
  return line + '}\n';
}

const PLAIN = /^[\w.:-]*$/;
function quote(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/**
 * Collects lines into large chunks and waits for the disk whenever the stream's buffer is full. `write` returns a
 * promise only when the caller must wait, so the common case costs no await.
 */
class LineWriter {
  private readonly stream: WriteStream;
  private pending = '';
  private failure: Error | undefined;

  constructor(path: string) {
    this.stream = createWriteStream(path);
    // Kept and rethrown by the next write, instead of an unhandled 'error' event ending the process.
    this.stream.on('error', (error) => (this.failure ??= error));
  }

  write(line: string): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    this.pending += line;
    if (this.pending.length < 1 << 16) return undefined;
    return this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.pending;
    this.pending = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
    this.stream.end();
    await finished(this.stream);
  }
}
