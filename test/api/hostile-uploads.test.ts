/**
 * Uploads from a hostile user's key, through real HTTP, real ffmpeg and the real media directory (issue 18): files
 * that make ffmpeg read something else, truncated files, an upload racing its creator's erasure, and one key's
 * uploads crowding the server.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_UPLOADS_IN_FLIGHT, USER_UPLOADS_PER_DAY } from '../../src/api/routes/upload-routes.js';
import { ApiKeys } from '../../src/auth/api-keys.js';
import { locateFfmpeg } from '../../src/media/ffmpeg.js';
import { makeClip } from '../../src/media/synthetic-clip.js';
import { fetchWithKey, putJson, putVideos, startServer, TEST_SERVICE_KEY, type RunningServer } from '../helpers/running-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let server: RunningServer;
let clips: { dir: string; cleanup: () => void };
let clip: Buffer;
const keys: Record<string, string> = {};

const BOUNDARY = 'foryou-hostile-upload-boundary';

/** A multipart form with caption and the file, as bytes (so a test can send it in pieces). */
function multipart(file: Buffer, fileName = 'clip.mp4'): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="caption"\r\n\r\nhostile\r\n`),
    Buffer.from(`--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="${fileName}"\r\ncontent-type: video/mp4\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

async function upload(user: string, file: Buffer, fileName?: string): Promise<Response> {
  return fetchWithKey(
    `${server.url}/v1/users/${user}/videos`,
    { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: multipart(file, fileName) },
    keys[user],
  );
}

/** An upload whose first `sent` bytes go now; `finish()` sends the rest. Resolves with the status and body. */
function heldUpload(user: string, file: Buffer, sent: number): { request: ClientRequest; finish: () => void; answer: Promise<{ status: number; body: string }> } {
  const body = multipart(file);
  const url = new URL(`${server.url}/v1/users/${user}/videos`);
  const request = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: {
      authorization: `Bearer ${keys[user]}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': String(body.length),
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', () => resolve({ status: -1, body: '' }));
  });
  request.write(body.subarray(0, sent));
  return { request, finish: () => request.end(body.subarray(sent)), answer };
}

function uploadFiles(): string[] {
  return readdirSync(join(server.service.media!.root, 'uploads')).sort();
}

beforeAll(async () => {
  clips = makeTempDir('foryou-hostile-clips-');
  const ffmpeg = await locateFfmpeg();
  await makeClip(ffmpeg, join(clips.dir, 'clip.mp4'), { pattern: 'testsrc2', seconds: 2, text: 'hostile' });
  clip = readFileSync(join(clips.dir, 'clip.mp4'));
  server = await startServer();
  await putVideos(server.url, 10, 3);
  mkdirSync(join(server.service.media!.root, 'uploads'), { recursive: true });
  const apiKeys = new ApiKeys(server.service.store);
  for (const user of ['mallory', 'racer', 'busy', 'prolific']) {
    await putJson(`${server.url}/v1/users/${user}`, { region: 'DE' });
    keys[user] = (await apiKeys.create('user', user)).key;
  }
}, 60_000);
afterAll(async () => {
  await server?.dispose();
  clips?.cleanup();
});

describe('uploads from a hostile key', () => {
  it('refuses an HLS playlist named .mp4 without ffmpeg opening what it lists', async () => {
    const playlist = Buffer.from(`#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n${join(clips.dir, 'clip.mp4')}\n#EXT-X-ENDLIST\n`);
    const response = await upload('mallory', playlist, 'innocent.mp4');
    expect(response.status).toBe(400);
    expect((await response.json()).problems[0]).toMatchObject({ field: 'file', message: expect.stringMatching(/not an MP4 or WebM/) });
    expect(uploadFiles()).toEqual([]);
  });

  it('refuses a truncated MP4 with 400 naming the file', async () => {
    // The header (moov, written first by the clip maker's faststart) survives; most of the frames do not.
    const truncated = clip.subarray(0, Math.floor(clip.length * 0.6));
    const response = await upload('mallory', truncated);
    expect(response.status).toBe(400);
    expect((await response.json()).problems[0]).toMatchObject({ field: 'file', message: expect.stringMatching(/play to the end|not a playable|duration|video/) });
    expect(uploadFiles()).toEqual([]);
    // The whole clip is still taken.
    expect((await upload('mallory', clip)).status).toBe(201);
  });

  it('an upload racing its creator’s erasure is refused, and leaves no video and no file', async () => {
    const before = uploadFiles();
    const held = heldUpload('racer', clip, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const erased = await fetchWithKey(`${server.url}/v1/users/racer`, { method: 'DELETE' }, TEST_SERVICE_KEY);
    expect(erased.status).toBe(200);
    held.finish();
    const answer = await held.answer;
    expect(answer.status).toBe(410);
    expect(JSON.parse(answer.body).error).toMatch(/erased/);
    expect(await server.service.store.videosOfCreator('racer')).toEqual([]);
    expect(server.service.state.users.get('racer')).toBeUndefined();
    expect(uploadFiles()).toEqual(before);
  });

  it(`lets one user's key process ${USER_UPLOADS_IN_FLIGHT} uploads at a time and refuses more with 429`, async () => {
    const held = Array.from({ length: USER_UPLOADS_IN_FLIGHT }, () => heldUpload('busy', clip, 500));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const extra = await upload('busy', clip);
    expect(extra.status).toBe(429);
    expect((await extra.json()).problems[0]).toMatchObject({ field: 'file', message: expect.stringMatching(/at a time/) });
    for (const upload of held) upload.finish();
    expect((await Promise.all(held.map((h) => h.answer))).map((a) => a.status)).toEqual(Array(USER_UPLOADS_IN_FLIGHT).fill(201));
    expect((await upload('busy', clip)).status).toBe(201);
  });

  it(`refuses a user's key its upload number ${USER_UPLOADS_PER_DAY + 1} within 24 hours`, async () => {
    for (let i = 0; i < USER_UPLOADS_PER_DAY; i++) {
      expect((await putJson(`${server.url}/v1/videos/prolific-${i}`, { creator: 'prolific', durationMs: 5_000 })).status).toBe(201);
    }
    const response = await upload('prolific', clip);
    expect(response.status).toBe(429);
    expect((await response.json()).problems[0].message).toMatch(/24 hours/);
  });
});
