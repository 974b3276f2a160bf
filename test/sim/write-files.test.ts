import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/core/csv-records.js';
import { clientEvent, createWorld, generateEvents, writeWorldFiles } from '../../src/sim/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const NOW = Date.UTC(2025, 0, 1);

const lines = (path: string) => readFileSync(path, 'utf8').split('\n').slice(0, -1);

describe('writeWorldFiles', () => {
  const world = createWorld({ users: 120, videos: 300, seed: 4, now: NOW });

  it('writes one JSON object per line: videos, users, and the events as a client sends them', async () => {
    const progress: number[] = [];
    const files = await writeWorldFiles(world, join(temp.dir, 'jsonl'), {
      events: 25_000,
      onProgress: (n) => progress.push(n),
    });
    expect(files.counts).toEqual({ videos: 300, users: 120, events: 25_000 });
    expect(lines(files.videos).map((line) => JSON.parse(line))).toEqual(world.videos);
    expect(lines(files.users).map((line) => JSON.parse(line))).toEqual(world.users);
    const events = lines(files.events).map((line) => JSON.parse(line));
    expect(events).toEqual([...generateEvents(world, 25_000)].map(clientEvent));
    expect(progress.at(-1)).toBe(25_000);
  });

  it('writes CSV with a header row and the same records', async () => {
    const files = await writeWorldFiles(world, join(temp.dir, 'csv'), { events: 1_000, format: 'csv' });
    const videos = lines(files.videos);
    expect(videos[0]).toBe(CSV_COLUMNS.videos.join(','));
    expect(videos).toHaveLength(301);
    const first = world.videos[0]!;
    expect(videos[1]).toBe(
      [first.id, first.creator, first.durationMs, first.caption, first.hashtags.join('|'), first.sound, first.language,
        first.region, first.createdAt, first.status].join(','),
    );
    expect(lines(files.users)).toHaveLength(121);
    const events = lines(files.events);
    expect(events[0]).toBe('id,user,video,creator,type,ts,watchMs');
    expect(events).toHaveLength(1_001);
    const play = [...generateEvents(world, 1_000)].find((e) => e.type === 'play')!;
    expect(events).toContain(`${play.id},${play.user},${play.video},,play,${play.ts},${play.watchMs}`);
  });
});
