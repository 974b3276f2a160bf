import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/models/random.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const CLI = fileURLToPath(new URL('../../bin/foryou.js', import.meta.url));

/** 80 users in 4 taste groups of 12 items; each user has 8 group items in train and 3 more in test. */
function writeFixture(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(5);
  let train = 'timestamp,item,user,rating\n';
  let test = 'user,item\n';
  for (let u = 0; u < 80; u++) {
    const group = u % 4;
    const items = Array.from({ length: 12 }, (_, i) => group * 12 + i).sort(() => random() - 0.5);
    items.slice(0, 8).forEach((item, n) => (train += `${1000 + n},item-${item},user-${u},${1 + (n % 5)}\n`));
    if (u % 3 === 0) train += `2000,item-pop,user-${u},5\n`;
    items.slice(8, 11).forEach((item) => (test += `user-${u},item-${item}\n`));
  }
  test += 'nobody,item-1\n';
  writeFileSync(join(dir, 'train.csv'), train);
  writeFileSync(join(dir, 'test.csv'), test);
}

function foryou(args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('foryou eval', () => {
  const dir = join(temp.dir, 'fixture');
  writeFixture(dir);

  it('prints exactly the contract JSON object on stdout', () => {
    const out = foryou(['eval', '--train', join(dir, 'train.csv'), '--test', join(dir, 'test.csv'), '--model', 'popular', '--k', '10', '--json']);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(Object.keys(result)).toEqual(['model', 'k', 'users', 'metrics', 'trainSeconds', 'evalSeconds']);
    expect(Object.keys(result.metrics)).toEqual(['precision', 'recall', 'ndcg', 'map', 'coverage']);
    expect(result).toMatchObject({ model: 'popular', k: 10, users: 80 });
    for (const value of Object.values(result.metrics)) expect(value).toBeTypeOf('number');
    expect(result.trainSeconds).toBeGreaterThanOrEqual(0);
    expect(result.evalSeconds).toBeGreaterThanOrEqual(0);
  });

  it('learns the taste groups: best beats popular by far (--dataset form, worker threads)', () => {
    const popular = JSON.parse(foryou(['eval', '--dataset', dir, '--model', 'popular', '--k', '5', '--json']));
    const best = JSON.parse(foryou(['eval', '--dataset', dir, '--model', 'best', '--k', '5', '--json']));
    expect(best.model).toBe('best');
    expect(best.k).toBe(5);
    expect(best.metrics.ndcg).toBeGreaterThan(0.5);
    expect(best.metrics.ndcg).toBeGreaterThan(popular.metrics.ndcg + 0.3);
  });

  it('measures the served feed (--model engine): import, fit, GET /v1/feed; as good as best on the taste groups', () => {
    const keep = join(temp.dir, 'engine-store');
    const out = foryou(['eval', '--dataset', dir, '--model', 'engine', '--k', '5', '--json', '--keep', keep]);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const engine = JSON.parse(lines[0]!);
    expect(Object.keys(engine)).toEqual(['model', 'k', 'users', 'metrics', 'trainSeconds', 'evalSeconds']);
    expect(engine).toMatchObject({ model: 'engine', k: 5, users: 80 });
    const best = JSON.parse(foryou(['eval', '--dataset', dir, '--model', 'best', '--k', '5', '--json']));
    const popular = JSON.parse(foryou(['eval', '--dataset', dir, '--model', 'popular', '--k', '5', '--json']));
    expect(engine.metrics.ndcg).toBeGreaterThan(popular.metrics.ndcg + 0.3);
    expect(engine.metrics.ndcg).toBeGreaterThanOrEqual(0.9 * best.metrics.ndcg);
    // What it measured is a real store: the rows as events (ratings ≥ 4 also a like), the fitted model audited.
    expect(foryou(['audit', 'verify', '--db', join(keep, 'engine.db')])).toBeDefined();
  });

  it('prints a readable table without --json', () => {
    const out = foryou(['eval', '--dataset', dir, '--model', 'item-knn']);
    expect(out).toMatch(/ndcg@10\s+0\.\d{4}/);
    expect(out).toMatch(/scored users\s+80/);
  });

  it('refuses an unknown model, naming the choices', () => {
    const run = spawnSync(process.execPath, [CLI, 'eval', '--dataset', dir, '--model', 'magic', '--json'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/--model must be one of popular, item-knn.*engine/);
    expect(run.stdout).toBe('');
  });
});
