/**
 * `foryou import` as a user runs it: the built CLI (run `npx tsc -p .` first), real files, a real SQLite file.
 * Files of 4 MB and more are validated on a worker thread, so the large-world test covers that path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '../..');
const temp = makeTempDir();
afterAll(() => temp.cleanup());

function foryou(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/foryou.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function counts(db: string) {
  const store = new SqliteStore(db);
  try {
    return await store.counts();
  } finally {
    await store.close();
  }
}

const TS = Date.UTC(2025, 0, 1);
const videoLine = JSON.stringify({ id: 'v1', creator: 'carol', durationMs: 15_000, createdAt: TS - 86_400_000 });
const eventLine = (id: string, extra: object = {}) =>
  JSON.stringify({ id, user: 'u1', video: 'v1', type: 'like', ts: TS, ...extra });

describe('foryou import', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('build first: npx tsc -p .');
  });

  it('exits 0 and prints a summary when every line is accepted', () => {
    const videos = join(temp.dir, 'clean-videos.jsonl');
    const events = join(temp.dir, 'clean-events.jsonl');
    writeFileSync(videos, videoLine + '\n');
    writeFileSync(events, [eventLine('e1'), eventLine('e2', { type: 'play', watchMs: 9000 })].join('\n') + '\n');
    const db = join(temp.dir, 'clean.db');
    const run = foryou('import', '--db', db, '--videos', videos, '--events', events);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${videos}: 1 videos accepted, 0 updated, 0 rejected`);
    expect(run.stdout).toMatch(new RegExp(`${events}: 2 events accepted, 0 duplicates \\(already stored\\), 0 rejected in [\\d.]+ s \\(\\d+ events/s\\)`));

    // Importing the same events again adds nothing and is no error.
    const again = foryou('import', '--db', db, '--events', events);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 events accepted, 2 duplicates (already stored)');
  });

  it('exits 1 with each rejected line as FILE:LINE: field: reason, and keeps the good lines', async () => {
    const videos = join(temp.dir, 'mixed-videos.jsonl');
    const events = join(temp.dir, 'mixed-events.jsonl');
    const rejects = join(temp.dir, 'rejects.jsonl');
    writeFileSync(videos, videoLine + '\n');
    writeFileSync(
      events,
      [eventLine('e1'), 'not json', eventLine('e3', { video: 'v404' }), eventLine('e4', { type: 'wave' }), eventLine('e5')].join('\n'),
    );
    const db = join(temp.dir, 'mixed.db');
    const run = foryou('import', '--db', db, '--videos', videos, '--events', events, '--rejects', rejects);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${events}:2: line: invalid JSON`));
    expect(lines[1]).toBe(`${events}:3: video: unknown video "v404"`);
    expect(lines[2]).toMatch(new RegExp(`^${events}:4: type: `));
    expect(run.stdout).toContain('2 events accepted, 0 duplicates (already stored), 3 rejected');
    expect((await counts(db)).events).toBe(2);

    const written = readFileSync(rejects, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(written.map((r) => [r.file, r.line, r.problems[0].field])).toEqual([
      [events, 2, 'line'],
      [events, 3, 'video'],
      [events, 4, 'type'],
    ]);
  });

  it('prints at most 100 rejected lines and counts the rest', () => {
    const users = join(temp.dir, 'bad-users.csv');
    writeFileSync(users, 'id,region,minor\n' + Array.from({ length: 150 }, (_, i) => `u${i},DE,perhaps`).join('\n'));
    const run = foryou('import', '--db', join(temp.dir, 'many.db'), '--users', users);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(101);
    expect(lines[0]).toMatch(new RegExp(`^${users}:2: settings.minor: .*expected boolean`));
    expect(lines[100]).toBe('… and 50 more rejected lines (use --rejects FILE to keep them all)');
  });

  it('exits 1 with a clear message when a file is missing, before touching the store', () => {
    const db = join(temp.dir, 'never.db');
    const run = foryou('import', '--db', db, '--events', join(temp.dir, 'missing.jsonl'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot read events file ${join(temp.dir, 'missing.jsonl')}: no such file`);
    expect(existsSync(db)).toBe(false);
    const none = foryou('import', '--db', db);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('name at least one file');
  });

  it.each(['jsonl', 'csv'] as const)('imports a simulated world written as %s (validated on a worker thread)', async (format) => {
    const dir = join(temp.dir, `world-${format}`);
    // Enough events for a file over 4 MB in either format.
    const simulate = foryou('simulate', '--out', dir, '--users', '500', '--videos', '1500', '--events', '110000', '--seed', '5', '--format', format);
    expect(simulate.code).toBe(0);
    expect(simulate.stdout).toContain(`wrote 500 users, 1500 videos and 110000 events to ${dir} (${format}, seed 5`);
    const eventsFile = join(dir, `events.${format}`);
    expect(readFileSync(eventsFile).length).toBeGreaterThan(4 * 1024 * 1024);

    const db = join(temp.dir, `world-${format}.db`);
    const files = ['--videos', join(dir, `videos.${format}`), '--users', join(dir, `users.${format}`), '--events', eventsFile];
    const run = foryou('import', '--db', db, ...files, '--batch-size', '7000');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('110000 events accepted, 0 duplicates');
    expect(await counts(db)).toMatchObject({ videos: 1500, users: 500, events: 110_000 });
  });
});
