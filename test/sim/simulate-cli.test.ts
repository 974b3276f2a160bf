/** `foryou simulate` as a user runs it (build first: `npx tsc -p .`). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '../..');
const temp = makeTempDir();
afterAll(() => temp.cleanup());

function simulate(out: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/foryou.js'), 'simulate', '--out', out, ...args], { encoding: 'utf8' });
}

describe('foryou simulate', () => {
  it('writes the same files for the same seed and now, and others for another seed', () => {
    const args = ['--users', '60', '--videos', '150', '--events', '3000', '--now', '1735689600000', '--format', 'csv'];
    const a = simulate(join(temp.dir, 'a'), ...args, '--seed', '4');
    const b = simulate(join(temp.dir, 'b'), ...args, '--seed', '4');
    const c = simulate(join(temp.dir, 'c'), ...args, '--seed', '5');
    expect(a.status).toBe(0);
    expect(a.stdout.trim()).toMatch(/^wrote 60 users, 150 videos and 3000 events to .* \(csv, seed 4, now 1735689600000\) in [\d.]+ s$/);
    for (const name of ['videos.csv', 'users.csv', 'events.csv']) {
      const read = (dir: string) => readFileSync(join(temp.dir, dir, name), 'utf8');
      expect(read('b')).toBe(read('a'));
      expect(read('c')).not.toBe(read('a'));
    }
    expect(readFileSync(join(temp.dir, 'a', 'events.csv'), 'utf8').trim().split('\n')).toHaveLength(3001);
  });

  it('refuses bad options with a message', () => {
    const run = simulate(join(temp.dir, 'bad'), '--events', 'many');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("option '--events <n>' argument 'many' is invalid");
    const seconds = simulate(join(temp.dir, 'bad'), '--now', '1735689600');
    expect(seconds.status).not.toBe(0);
    expect(seconds.stderr).toContain('milliseconds since the epoch');
  });
});
