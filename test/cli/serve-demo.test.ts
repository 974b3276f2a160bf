import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { fetchWithKey } from '../helpers/running-server.js';
import { DEMO_CLIP_SECONDS } from '../../src/service/demo-media.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());
const CLI = fileURLToPath(new URL('../../bin/foryou.js', import.meta.url));

describe('foryou serve --demo', () => {
  it('creates the demo catalogue once and serves the demo user a feed with reasons', async () => {
    const db = join(temp.dir, 'demo.db');
    const first = await spawnServer(['--db', db, '--demo']);
    const health = await fetchWithKey(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    const { videos, users } = await health.json();
    expect(videos).toBeGreaterThan(1000);
    const feed = await (await fetchWithKey(`${first.url}/v1/feed/demo?n=10`)).json();
    expect(feed.items).toHaveLength(10);
    for (const item of feed.items) expect(item.reasons.length).toBeGreaterThan(0);
    // Playable media, made by ffmpeg on this first start and shared by the videos of a topic.
    for (const item of feed.items) expect(item.video.mediaUrl).toMatch(/^\/media\/demo\/[a-z]+-\d\.mp4$/);
    // Demo videos are as long as their clips, so the watch ratios the app reports mean what they say.
    for (const item of feed.items) expect(item.video.durationMs).toBe(DEMO_CLIP_SECONDS * 1000);
    const media = await fetch(`${first.url}${feed.items[0].video.mediaUrl}`, { headers: { range: 'bytes=0-1023' } });
    expect(media.status).toBe(206);
    expect(media.headers.get('content-type')).toMatch(/^video\/mp4/);
    const head = Buffer.from(await media.arrayBuffer());
    expect(head.length).toBe(1024);
    // faststart: the moov atom comes right after ftyp, so a browser can start playing at once.
    expect(head.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(head.toString('latin1')).toContain('moov');
    const thumbnail = await fetch(`${first.url}${feed.items[0].video.thumbnailUrl}`);
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    const page = await (await fetch(`${first.url}/`)).text();
    expect(page).toContain('"demo"');
    // The page carries a key of the demo user: it reaches the demo user's feed and nobody else's.
    const demoKey = /"key":"(fy_[^"]+)"/.exec(page)?.[1];
    const asDemo = (key: string | undefined) => ({ headers: { authorization: `Bearer ${key}` } });
    expect((await fetch(`${first.url}/v1/feed/demo?n=3`, asDemo(demoKey))).status).toBe(200);
    expect((await fetch(`${first.url}/v1/feed/someone-else?n=3`, asDemo(demoKey))).status).toBe(403);
    first.child.kill('SIGTERM');
    await first.exited;

    const second = await spawnServer(['--db', db, '--demo']);
    const again = await (await fetchWithKey(`${second.url}/healthz`)).json();
    expect(again).toMatchObject({ videos, users });
    // Each start issues new demo keys and revokes the previous ones, which could not be shown again.
    const newKey = /"key":"(fy_[^"]+)"/.exec(await (await fetch(`${second.url}/`)).text())?.[1];
    expect(newKey).not.toBe(demoKey);
    expect((await fetch(`${second.url}/v1/feed/demo?n=3`, asDemo(newKey))).status).toBe(200);
    expect((await fetch(`${second.url}/v1/feed/demo?n=3`, asDemo(demoKey))).status).toBe(401);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('serves a store given by a relative path, its media included (the bench passes one)', async () => {
    const db = relative(process.cwd(), join(temp.dir, 'relative', 'store.db'));
    expect(db.startsWith('/')).toBe(false);
    const server = await spawnServer(['--db', db, '--demo']);
    try {
      expect((await fetchWithKey(`${server.url}/healthz`)).status).toBe(200);
      const demoKey = /"key":"(fy_[^"]+)"/.exec(await (await fetch(`${server.url}/`)).text())?.[1];
      const feed = await fetch(`${server.url}/v1/feed/demo?n=1`, { headers: { authorization: `Bearer ${demoKey}` } });
      const [item] = ((await feed.json()) as { items: Array<{ video: { mediaUrl?: string } }> }).items;
      expect(item?.video.mediaUrl).toMatch(/^\/media\//);
      expect((await fetch(`${server.url}${item!.video.mediaUrl}`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('answers --help through the package bin', () => {
    const help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    for (const command of ['serve', 'import', 'simulate', 'bench']) expect(help).toContain(command);
  });

  it('refuses a bad port with a message and a non-zero exit', () => {
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, [CLI, 'serve', '--port', 'abc', '--db', join(temp.dir, 'x.db')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toMatch(/--port/);
  });
});
