/**
 * Uploads end to end, through real HTTP, a real SQLite file, the real media directory and real ffmpeg: a generated
 * MP4 becomes a live video with its measured duration, a thumbnail and a file served with Range; it shows in the
 * creator's videos and the fresh source proposes it; bad uploads are refused naming the field; erasure deletes it.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys } from '../../src/auth/api-keys.js';
import { locateFfmpeg, locateMaintainedFfmpeg, runFfmpegOrThrow } from '../../src/media/ffmpeg.js';
import { makeClip } from '../../src/media/synthetic-clip.js';
import { fetchWithKey, putJson, putVideos, startServer, TEST_SERVICE_KEY, type RunningServer } from '../helpers/running-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const CLIP_SECONDS = 2.5;
let server: RunningServer;
let clips: { dir: string; cleanup: () => void };
let clip: Buffer;
/** WebM as a browser's MediaRecorder writes it: a live stream, no duration in the header. */
let liveWebm: Buffer;
let mayaKey: string;
let viewerKey: string;

function form(file: Buffer | undefined, fields: Record<string, string>, fileName = 'clip.mp4', fileField = 'file'): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  if (file) body.append(fileField, new Blob([new Uint8Array(file)], { type: 'video/mp4' }), fileName);
  return body;
}

async function upload(user: string, body: FormData, key = mayaKey, url = server.url): Promise<Response> {
  return fetchWithKey(`${url}/v1/users/${user}/videos`, { method: 'POST', body }, key);
}

/** Files in the media directory's uploads folder and any temporaries left at its top. */
function mediaFiles(): string[] {
  const root = server.service.media!.root;
  return [...readdirSync(join(root, 'uploads')), ...readdirSync(root).filter((name) => name.startsWith('.'))].sort();
}

beforeAll(async () => {
  clips = makeTempDir('foryou-clips-');
  const ffmpeg = await locateFfmpeg();
  // Thumbnails come from a maintained ffmpeg only; on a machine without the system's, the packaged build stands in
  // for one an operator configured, so the thumbnail path is tested everywhere.
  if ((await locateMaintainedFfmpeg()) === undefined) process.env.FORYOU_FFMPEG = ffmpeg;
  await makeClip(ffmpeg, join(clips.dir, 'clip.mp4'), { pattern: 'testsrc2', seconds: CLIP_SECONDS, text: 'upload test' });
  clip = readFileSync(join(clips.dir, 'clip.mp4'));
  const webm = join(clips.dir, 'live.webm');
  await runFfmpegOrThrow(ffmpeg, ['-f', 'lavfi', '-i', 'testsrc2=size=240x320:rate=24', '-t', '2', '-c:v', 'libvpx', '-deadline', 'realtime', '-f', 'webm', '-live', '1', webm], 'make a WebM');
  liveWebm = readFileSync(webm);
  server = await startServer();
  await putVideos(server.url, 30, 6, Date.now() - 3 * 86_400_000);
  const keys = new ApiKeys(server.service.store);
  mayaKey = (await keys.create('user', 'maya')).key;
  viewerKey = (await keys.create('user', 'viewer')).key;
}, 60_000);
afterAll(async () => {
  await server?.dispose();
  clips?.cleanup();
});

describe('POST /v1/users/:id/videos', () => {
  let video: { id: string; creator: string; durationMs: number; hashtags: string[]; caption: string; mediaUrl: string; thumbnailUrl: string; status: string };

  it('publishes a real MP4 as a live video with its duration, a thumbnail and its file', async () => {
    const response = await upload('maya', form(clip, { caption: 'my first clip', hashtags: '#Dance, street  #night' }));
    expect(response.status).toBe(201);
    video = await response.json();
    expect(video.creator).toBe('maya');
    expect(video.status).toBe('live');
    expect(video.caption).toBe('my first clip');
    expect(video.hashtags).toEqual(['dance', 'street', 'night']);
    expect(Math.abs(video.durationMs - CLIP_SECONDS * 1000)).toBeLessThan(150);
    // File names are the new video id: never the uploader's name, nor the client's file name.
    expect(video.mediaUrl).toBe(`/media/uploads/${video.id}.mp4`);
    expect(video.thumbnailUrl).toBe(`/media/uploads/${video.id}.jpg`);
    expect(video.mediaUrl).not.toContain('maya');
    expect(mediaFiles()).toEqual([`${video.id}.jpg`, `${video.id}.mp4`]);
    // Stored: it survives in the store as returned.
    expect(await server.service.store.getVideo(video.id)).toMatchObject({ mediaUrl: video.mediaUrl, thumbnailUrl: video.thumbnailUrl });
  });

  it('serves the thumbnail as a JPEG and the video with HTTP Range, without a key', async () => {
    const thumbnail = await fetch(`${server.url}${video.thumbnailUrl}`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    const jpeg = new Uint8Array(await thumbnail.arrayBuffer());
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);

    const whole = await fetch(`${server.url}${video.mediaUrl}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toMatch(/^video\/mp4/);
    expect(Buffer.from(await whole.arrayBuffer()).equals(clip)).toBe(true);

    const part = await fetch(`${server.url}${video.mediaUrl}`, { headers: { range: 'bytes=100-1123' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1123/${clip.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(clip.subarray(100, 1124))).toBe(true);
  });

  it('never serves temporaries or paths outside the media directory', async () => {
    const leftover = join(server.service.media!.root, '.tmp-leftover');
    writeFileSync(leftover, 'half a file');
    expect((await fetch(`${server.url}/media/.tmp-leftover`)).status).toBeGreaterThanOrEqual(400);
    rmSync(leftover);
    expect((await fetch(`${server.url}/media/..%2Fforyou.db`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${server.url}/media/uploads/../../foryou.db`)).status).toBeGreaterThanOrEqual(400);
  });

  it("lists it first among the creator's videos, for any user's key", async () => {
    const response = await fetchWithKey(`${server.url}/v1/creators/maya/videos`, {}, viewerKey);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.creator).toBe('maya');
    expect(body.videos.map((v: { id: string }) => v.id)).toEqual([video.id]);
    expect(body.videos[0].mediaUrl).toBe(video.mediaUrl);
    const other = await (await fetchWithKey(`${server.url}/v1/creators/c1/videos?limit=3`, {}, viewerKey)).json();
    expect(other.videos).toHaveLength(3);
    const times = other.videos.map((v: { createdAt: number }) => v.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('enters the fresh pool at once: the fresh source proposes it, and feed items carry its media', async () => {
    expect((await putJson(`${server.url}/v1/users/viewer`, { region: 'DE' })).status).toBe(201);
    const explanation = await (await fetchWithKey(`${server.url}/v1/feed/viewer/explain/${video.id}`, {}, viewerKey)).json();
    expect(explanation.sources.find((s: { name: string }) => s.name === 'fresh')).toMatchObject({ proposed: true });
    let found: { video: { mediaUrl?: string; thumbnailUrl?: string } } | undefined;
    for (let page = 0; page < 4 && !found; page++) {
      const items = (await (await fetchWithKey(`${server.url}/v1/feed/viewer?n=10`, {}, viewerKey)).json()).items;
      found = items.find((item: { video: { id: string } }) => item.video.id === video.id);
    }
    expect(found?.video).toMatchObject({ mediaUrl: video.mediaUrl, thumbnailUrl: video.thumbnailUrl });
  });

  it('takes a browser-recorded WebM without a recorded duration, measuring it', async () => {
    // Another creator, through the operator's service key.
    const response = await upload('rec', form(liveWebm, { caption: 'recorded' }, 'recording.webm'), TEST_SERVICE_KEY);
    expect(response.status).toBe(201);
    const recorded = await response.json();
    expect(recorded.mediaUrl).toBe(`/media/uploads/${recorded.id}.webm`);
    expect(Math.abs(recorded.durationMs - 2000)).toBeLessThan(150);
    const served = await fetch(`${server.url}${recorded.mediaUrl}`, { headers: { range: 'bytes=0-3' } });
    expect(served.status).toBe(206);
    expect(served.headers.get('content-type')).toMatch(/^video\/webm/);
    expect(Buffer.from(await served.arrayBuffer()).equals(liveWebm.subarray(0, 4))).toBe(true);
  });

  it('refuses a file that is not a video with 400 naming `file`, and keeps nothing of it', async () => {
    const before = mediaFiles();
    const count = (await server.service.store.counts()).videos;
    for (const fake of [Buffer.from('hello, I am text\n'.repeat(50)), readFileSync(join(server.service.media!.root, 'uploads', before.find((f) => f.endsWith('.jpg'))!))]) {
      const response = await upload('maya', form(fake, { caption: 'not a video' }, 'fake.mp4'));
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.problems.map((p: { field: string }) => p.field)).toEqual(['file']);
    }
    expect(mediaFiles()).toEqual(before);
    expect((await server.service.store.counts()).videos).toBe(count);
  });

  it('refuses a form without a file, or with bad fields, naming the field', async () => {
    const missing = await upload('maya', form(undefined, { caption: 'no file' }));
    expect(missing.status).toBe(400);
    expect((await missing.json()).problems[0].field).toBe('file');
    const unknown = await upload('maya', form(clip, { caption: 'x', colour: 'red' }));
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).problems[0].field).toBe('colour');
    const json = await fetchWithKey(`${server.url}/v1/users/maya/videos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, mayaKey);
    expect(json.status).toBe(400);
    expect(mediaFiles().filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it("refuses another user's key (403) before reading the upload", async () => {
    const response = await upload('maya', form(clip, {}), viewerKey);
    expect(response.status).toBe(403);
  });

  async function withEnv<T>(name: string, value: string, run: () => Promise<T>): Promise<T> {
    const previous = process.env[name];
    process.env[name] = value;
    try {
      return await run();
    } finally {
      if (previous === undefined) delete process.env[name];
      else process.env[name] = previous;
    }
  }

  it('publishes without a thumbnail when there is no maintained ffmpeg ($FORYOU_FFMPEG points nowhere)', async () => {
    await withEnv('FORYOU_FFMPEG', join(clips.dir, 'no-such-ffmpeg'), async () => {
      const response = await upload('noah', form(clip, { caption: 'no thumbnail' }), TEST_SERVICE_KEY);
      expect(response.status).toBe(201);
      const published = await response.json();
      expect(published.thumbnailUrl).toBeUndefined();
      expect(mediaFiles().filter((name) => name.startsWith(published.id))).toEqual([`${published.id}.mp4`]);
    });
  });

  it('answers 503 naming ffprobe when $FORYOU_FFPROBE points nowhere, keeping nothing', async () => {
    const before = mediaFiles();
    await withEnv('FORYOU_FFPROBE', join(clips.dir, 'no-such-ffprobe'), async () => {
      const response = await upload('maya', form(clip, { caption: 'x' }));
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.problems[0].field).toBe('file');
      expect(body.error).toContain('FORYOU_FFPROBE');
      expect(body.error).toContain('no-such-ffprobe');
    });
    expect(mediaFiles()).toEqual(before);
  });

  it('erasing the creator deletes their uploads: rows, files and thumbnails', async () => {
    const second = await (await upload('maya', form(clip, { caption: 'second' }))).json();
    const paths = [video, second].flatMap((v) => [v.mediaUrl, v.thumbnailUrl]).map((url: string) => join(server.service.media!.root, url.replace('/media/', '')));
    expect(paths.every((path) => existsSync(path) && statSync(path).size > 0)).toBe(true);
    const response = await fetchWithKey(`${server.url}/v1/users/maya`, { method: 'DELETE' }, mayaKey);
    expect(response.status).toBe(200);
    expect((await response.json()).mediaFiles).toBe(4);
    expect(paths.filter((path) => existsSync(path))).toEqual([]);
    expect((await fetch(`${server.url}${video.mediaUrl}`)).status).toBe(404);
    expect((await (await fetchWithKey(`${server.url}/v1/creators/maya/videos`, {}, viewerKey)).json()).videos).toEqual([]);
  });
});

describe('PUT /v1/videos/:id with media URLs', () => {
  it('stores an operator\'s CDN URLs and refuses URLs a page must not load (javascript:, data:)', async () => {
    const put = (mediaUrl: string) => putJson(`${server.url}/v1/videos/cdn1`, { creator: 'op', durationMs: 5000, mediaUrl, thumbnailUrl: 'https://cdn.example/t/1.jpg' });
    expect((await put('https://cdn.example/v/1.mp4')).status).toBe(201);
    expect(await server.service.store.getVideo('cdn1')).toMatchObject({ mediaUrl: 'https://cdn.example/v/1.mp4', thumbnailUrl: 'https://cdn.example/t/1.jpg' });
    for (const bad of ['javascript:alert(1)', 'data:video/mp4;base64,AAAA', '//evil.example/x.mp4']) {
      const response = await put(bad);
      expect(response.status).toBe(400);
      expect((await response.json()).problems[0].field).toBe('mediaUrl');
    }
  });
});

describe('the upload size limit', () => {
  it('answers 413 naming `file` over the configured limit, keeping nothing', async () => {
    const small = await startServer(undefined, {}, { maxUploadBytes: 10_000 });
    try {
      const response = await fetchWithKey(`${small.url}/v1/users/maya/videos`, { method: 'POST', body: form(clip, { caption: 'big' }) });
      expect(response.status).toBe(413);
      expect((await response.json()).problems[0].field).toBe('file');
      const root = small.service.media!.root;
      expect([...readdirSync(join(root, 'uploads')), ...readdirSync(root).filter((n) => n.startsWith('.'))]).toEqual([]);
    } finally {
      await small.dispose();
    }
  });
});
