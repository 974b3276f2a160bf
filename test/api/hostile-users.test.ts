/**
 * An ordinary user's key used as a hostile client would use it, against a real server on a real SQLite file: each
 * case is one of the reproductions of issue 18 (the upload cases are in hostile-uploads.test.ts). Every refusal is
 * a JSON 4xx naming the field; nothing a refused request carried is stored.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/api/json-body.js';
import { USER_BODY_BYTES_PER_MINUTE, USER_BODY_LIMIT_BYTES, USER_CONCURRENT_REQUESTS, USER_EVENTS_PER_MINUTE } from '../../src/api/request-budget.js';
import { USER_EXPORTS_PER_HOUR } from '../../src/api/routes/user-data-routes.js';
import { VIDEO_STATE_SIGNALS_PER_MINUTE } from '../../src/api/video-signal-budget.js';
import { ApiKeys } from '../../src/auth/api-keys.js';
import { VIEW_WINDOW } from '../../src/features/engagement-ledger.js';
import {
  fetchWithKey,
  postJson,
  putJson,
  putVideos,
  startServer,
  TEST_SERVICE_KEY,
  type RunningServer,
} from '../helpers/running-server.js';

let server: RunningServer;
/** The first server, whose temporary directory holds the store the restarted ones reopen. */
let first: RunningServer;
let aliceKey: string;
let bobKey: string;
let carolKey: string;

beforeAll(async () => {
  server = first = await startServer();
  await putVideos(server.url, 40, 8);
  for (const user of ['alice', 'bob', 'carol']) await putJson(`${server.url}/v1/users/${user}`, { region: 'DE' });
  const keys = new ApiKeys(server.service.store);
  aliceKey = (await keys.create('user', 'alice')).key;
  bobKey = (await keys.create('user', 'bob')).key;
  carolKey = (await keys.create('user', 'carol')).key;
});
afterAll(async () => {
  await server?.stop();
  await first?.dispose();
});

/** Stops the server and starts another on the same store file. */
async function restart(): Promise<void> {
  await server.stop();
  server = await startServer(first.dbPath);
}

function postRaw(path: string, body: string | Buffer, key: string): Promise<Response> {
  return fetchWithKey(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }, key);
}

function event(user: string, id: string, type: string, video: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, user, type, video, ...(type === 'play' ? { watchMs: 10_000 } : {}), ...extra };
}

/** A POST whose body is sent in part and held open: a request in flight for as long as the test wants. */
function heldRequest(path: string, key: string): { request: ClientRequest; done: Promise<number> } {
  const url = new URL(`${server.url}${path}`);
  const request = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': '100000' },
  });
  const done = new Promise<number>((resolve) => {
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(-1));
  });
  request.write('{"events":[');
  return { request, done };
}

describe('request cost is bounded before parsing', () => {
  it('refuses a body of millions of nested brackets unparsed, with 400 naming the body', async () => {
    const depth = 1_000_000;
    const body = `{"events":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const response = await postRaw('/v1/events', body, TEST_SERVICE_KEY);
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer.problems[0]).toMatchObject({ field: 'body', message: expect.stringContaining(`deeper than ${MAX_JSON_DEPTH}`) });
    // Brackets inside strings are text, not nesting.
    const inString = await postRaw('/v1/users/alice/events', JSON.stringify({ events: [event('alice', '[[[[[[[[[[[[[[[[[[[[[[', 'play', 'v1')] }), aliceKey);
    expect(inString.status).toBe(200);
  });

  it("cuts a user's key off at its body limit (413), while a service key may send up to the server's", async () => {
    const big = JSON.stringify({ events: [event('alice', 'x', 'play', 'v1', { pad: 'x'.repeat(USER_BODY_LIMIT_BYTES) })] });
    const refused = await postRaw('/v1/users/alice/events', big, aliceKey);
    expect(refused.status).toBe(413);
    expect((await refused.json()).problems[0]).toMatchObject({ field: 'body' });
    // Over the user's limit but within the server's: the service key's body is read (and refused for its content).
    const asService = await postRaw('/v1/users/alice/events', big, TEST_SERVICE_KEY);
    expect(asService.status).toBe(400);
    expect((await asService.json()).problems[0]).toMatchObject({ index: 0, field: 'pad' });
  });

  it(`lets a user's key have ${USER_CONCURRENT_REQUESTS} requests in flight, refuses more with 429, and frees the slots`, async () => {
    const held = Array.from({ length: USER_CONCURRENT_REQUESTS }, () => heldRequest('/v1/users/carol/events', carolKey));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const extra = await fetchWithKey(`${server.url}/v1/feed/carol?n=2`, {}, carolKey);
    expect(extra.status).toBe(429);
    expect((await extra.json()).problems[0].message).toMatch(/in flight/);
    // Other users are not held back by carol's.
    expect((await fetchWithKey(`${server.url}/v1/feed/bob?n=2`, {}, bobKey)).status).toBe(200);
    for (const { request } of held) request.destroy();
    await Promise.all(held.map(({ done }) => done));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetchWithKey(`${server.url}/v1/feed/carol?n=2`, {}, carolKey)).status).toBe(200);
  });

  it(`takes at most ${USER_EVENTS_PER_MINUTE} events a minute from a user's key; the operator's key is not bound`, async () => {
    const batch = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => event('bob', `vol-${from + i}`, 'impression', `v${(from + i) % 40}`));
    const first = await postJson(`${server.url}/v1/users/bob/events`, { events: batch(0, USER_EVENTS_PER_MINUTE - 100) }, bobKey);
    expect(first.status).toBe(200);
    const over = await postJson(`${server.url}/v1/users/bob/events`, { events: batch(10_000, 500) }, bobKey);
    expect(over.status).toBe(429);
    expect((await over.json()).problems[0]).toMatchObject({ field: 'events', message: expect.stringMatching(/events a minute/) });
    expect(await server.service.store.eventsOfUser('bob', 100_000)).toHaveLength(USER_EVENTS_PER_MINUTE - 100);
    const relayed = await postJson(`${server.url}/v1/users/bob/events`, { events: batch(20_000, 500) }, TEST_SERVICE_KEY);
    expect(relayed.status).toBe(200);
  });

  it(`refuses a user's key unread once its ${USER_BODY_BYTES_PER_MINUTE} bytes of JSON a minute are spent`, async () => {
    const doraKey = (await new ApiKeys(server.service.store).create('user', 'dora')).key;
    // Just under the body limit, and not even JSON: while the budget lasts each is read and refused by the parser.
    const junk = `{"events":[${' '.repeat(900_000)}`;
    const fits = Math.floor(USER_BODY_BYTES_PER_MINUTE / Buffer.byteLength(junk));
    for (let i = 0; i < fits; i++) expect((await postRaw('/v1/users/dora/events', junk, doraKey)).status).toBe(400);
    const spent = await postRaw('/v1/users/dora/events', junk, doraKey);
    expect(spent.status).toBe(429);
    expect((await spent.json()).problems[0]).toMatchObject({ field: 'body', message: expect.stringMatching(/bytes of JSON a minute; retry in \d+ s/) });
    // Small requests of others go on.
    expect((await fetchWithKey(`${server.url}/v1/feed/bob?n=2`, {}, bobKey)).status).toBe(200);
  });

  it('streams a large export whole, one at a time per user, and a few an hour from the user\'s key', async () => {
    for (let b = 0; b < 5; b++) {
      const events = Array.from({ length: 5_000 }, (_, i) => event('frank', `x-${b}-${i}`, 'impression', `v${i % 40}`, { ts: Date.now() - 100_000 + b * 5_000 + (i % 7) }));
      expect((await postJson(`${server.url}/v1/events`, { events }, TEST_SERVICE_KEY)).status).toBe(200);
    }
    const frankKey = (await new ApiKeys(server.service.store).create('user', 'frank')).key;
    const answers = await Promise.all([0, 1, 2].map(() => fetchWithKey(`${server.url}/v1/users/frank/export`, {}, frankKey)));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 429, 429]);
    const exported = JSON.parse(await answers.find((answer) => answer.status === 200)!.text());
    expect(exported.events).toHaveLength(25_000);
    const order = exported.events.map((e: { ts: number; seq: number }) => [e.ts, e.seq]);
    expect(order).toEqual([...order].sort((a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]!));
    expect(exported).toMatchObject({ user: 'frank', videos: [], model: expect.any(Object) });
    for (const answer of answers) if (answer.status !== 200) await answer.arrayBuffer();
    for (let i = 1; i < USER_EXPORTS_PER_HOUR; i++) {
      const again = await fetchWithKey(`${server.url}/v1/users/frank/export`, {}, frankKey);
      expect(again.status).toBe(200);
      await again.arrayBuffer(); // read to its end: the export runs until then
    }
    const over = await fetchWithKey(`${server.url}/v1/users/frank/export`, {}, frankKey);
    expect(over.status).toBe(429);
    expect((await over.json()).problems[0].message).toMatch(/an hour/);
    expect((await fetchWithKey(`${server.url}/v1/users/frank/export`)).status).toBe(200);
  });

  it('answers HEAD of a feed without serving a page', async () => {
    const before = (await server.service.store.servedOfUser('alice')).length;
    const head = await fetchWithKey(`${server.url}/v1/feed/alice?n=5`, { method: 'HEAD' }, aliceKey);
    expect(head.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300)); // served items are flushed in the background
    expect((await server.service.store.servedOfUser('alice')).length).toBe(before);
  });
});

describe('engagement that cannot be faked', () => {
  it("counts one like per user and video: 3,000 likes by one user move a video's counters and trending as one", async () => {
    const { state } = server.service;
    const vidx = state.catalog.vidx('v5')!;
    const likesBefore = state.engagement.count(vidx, 'likes');
    const trendingBefore = state.engagement.trendingValue(vidx, Date.now());
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: 1_000 }, (_, i) => event('alice', `fake-like-${batch}-${i}`, 'like', 'v5'));
      const response = await postJson(`${server.url}/v1/users/alice/events`, { events }, TEST_SERVICE_KEY);
      expect(await response.json()).toEqual({ accepted: 1_000, duplicates: 0 });
    }
    await server.service.caughtUp(); // acknowledged once stored; learned behind
    expect(state.engagement.count(vidx, 'likes')).toBe(likesBefore + 1);
    const like = server.service.algorithm.config.trendingWeights.like;
    expect(state.engagement.trendingValue(vidx, Date.now()) - trendingBefore).toBeLessThanOrEqual(like + 1e-6);
    // An unlike undoes the counted like once; a second changes nothing.
    await postJson(`${server.url}/v1/users/alice/events`, { events: [event('alice', 'unlike-1', 'unlike', 'v5'), event('alice', 'unlike-2', 'unlike', 'v5')] }, aliceKey);
    await server.service.caughtUp();
    expect(state.engagement.count(vidx, 'likes')).toBe(likesBefore);
  });

  it('counts one report per user and video: one user cannot bury a video', async () => {
    const { state } = server.service;
    const vidx = state.catalog.vidx('v6')!;
    const plays = Array.from({ length: 30 }, (_, i) => event(`fan${i}`, `fan-play-${i}`, 'play', 'v6', { watchMs: 20_000 }));
    await postJson(`${server.url}/v1/events`, { events: plays }, TEST_SERVICE_KEY);
    await server.service.caughtUp();
    const trending = state.engagement.trendingValue(vidx, Date.now());
    const reports = Array.from({ length: 2_000 }, (_, i) => event('carol', `report-${i}`, 'report', 'v6'));
    await postJson(`${server.url}/v1/events`, { events: reports }, TEST_SERVICE_KEY);
    await server.service.caughtUp();
    expect(state.engagement.count(vidx, 'negatives')).toBe(1);
    const report = server.service.algorithm.config.trendingWeights.report;
    expect(state.engagement.trendingValue(vidx, Date.now())).toBeGreaterThan(trending + report - 0.01);
    expect(state.engagement.trendingValue(vidx, Date.now())).toBeGreaterThan(0);
  });

  it(`counts a replay once among the user's last ${VIEW_WINDOW} videos viewed`, async () => {
    const { state } = server.service;
    const vidx = state.catalog.vidx('v7')!;
    const before = state.engagement.plays(vidx);
    const replays = Array.from({ length: 500 }, (_, i) => event('dave', `replay-${i}`, 'play', 'v7', { watchMs: 20_000 }));
    await postJson(`${server.url}/v1/events`, { events: replays }, TEST_SERVICE_KEY);
    await server.service.caughtUp();
    expect(state.engagement.plays(vidx)).toBe(before + 1);
  });

  it("bounds what many users' apps together send about one video: over its rate a batch is refused whole, naming the event", async () => {
    // A server whose per-video rate is small enough to reach with a few keys (the default is VIDEO_STATE_SIGNALS_PER_MINUTE).
    const small = await startServer(undefined, {}, { videoSignalLimits: { states: 5 } });
    try {
      await putVideos(small.url, 4);
      const keys = new ApiKeys(small.service.store);
      const farm = await Promise.all(Array.from({ length: 7 }, async (_, i) => ({ user: `bot${i}`, key: (await keys.create('user', `bot${i}`)).key })));
      const like = (user: string, id: string, video: string) => ({ events: [event(user, id, 'like', video)] });
      for (const { user, key } of farm.slice(0, 5)) {
        expect((await postJson(`${small.url}/v1/users/${user}/events`, like(user, `${user}-l1`, 'v1'), key)).status).toBe(200);
      }
      const refused = await postJson(`${small.url}/v1/users/bot5/events`, { events: [event('bot5', 'bot5-p', 'play', 'v2'), event('bot5', 'bot5-l1', 'like', 'v1')] }, farm[5]!.key);
      expect(refused.status).toBe(429);
      const body = await refused.json();
      expect(body.problems).toEqual([expect.objectContaining({ index: 1, field: 'video', message: expect.stringMatching(/5 likes, shares, comments and reports of one video a minute; retry in \d+ s/) })]);
      expect(await small.service.store.eventsOfUser('bot5', 10)).toEqual([]); // nothing of the batch, not even its play
      // Other videos are not held, and the operator's backend relays without this bound.
      expect((await postJson(`${small.url}/v1/users/bot6/events`, like('bot6', 'bot6-l2', 'v2'), farm[6]!.key)).status).toBe(200);
      expect((await postJson(`${small.url}/v1/users/bot6/events`, like('bot6', 'bot6-l1', 'v1'), TEST_SERVICE_KEY)).status).toBe(200);
      await small.service.caughtUp();
      expect(small.service.state.engagement.count(small.service.state.catalog.vidx('v1')!, 'likes')).toBe(6);
    } finally {
      await small.dispose();
    }
  });

  it('says so on the public transparency page', async () => {
    const page = await (await fetch(`${server.url}/v1/transparency`)).json();
    const text = page.algorithm.description.join(' ');
    expect(text).toMatch(/influence on what everyone sees is bounded/);
    expect(text).toContain(`${USER_EVENTS_PER_MINUTE} events`);
    expect(text).toContain(`${VIDEO_STATE_SIGNALS_PER_MINUTE} likes, shares, comments and reports`);
  });

  it('keeps the same counts after a restart (the log replays through the same rule)', async () => {
    const vidx = server.service.state.catalog.vidx('v5')!;
    const counts = () => {
      const e = server.service.state.engagement;
      return [e.count(vidx, 'likes'), e.count(vidx, 'negatives'), e.plays(server.service.state.catalog.vidx('v7')!)];
    };
    const before = counts();
    await restart();
    expect(counts()).toEqual(before);
  });
});

describe('erasure is final', () => {
  it("refuses a batch of the user's own events whose body was still streaming when the user was erased (410)", async () => {
    const key = (await new ApiKeys(server.service.store).create('user', 'erika')).key;
    expect((await postJson(`${server.url}/v1/users/erika/events`, { events: [event('erika', 'erika-0', 'play', 'v3')] }, key)).status).toBe(200);
    const body = JSON.stringify({ events: [event('erika', 'erika-1', 'play', 'v1'), event('erika', 'erika-2', 'like', 'v2')] });
    const url = new URL(`${server.url}/v1/users/erika/events`);
    const request = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetchWithKey(`${server.url}/v1/users/erika`, { method: 'DELETE' }, TEST_SERVICE_KEY)).status).toBe(200);
    request.end(body.slice(20));
    const { status, text } = await answer;
    expect(status).toBe(410);
    expect(JSON.parse(text).problems[0]).toMatchObject({ field: 'user' });
    expect(await server.service.store.eventsOfUser('erika', 10)).toEqual([]);
    expect(await server.service.store.getUser('erika')).toBeUndefined();
    expect(server.service.state.users.get('erika')).toBeUndefined();
  });

  it('leaves no user and no served row when feed requests race the erasure (feed worker)', async () => {
    const racing = await startServer(undefined, { feedWorkers: 1 });
    try {
      await putVideos(racing.url, 30);
      for (let round = 0; round < 5; round++) {
        const user = `racer${round}`;
        const key = (await new ApiKeys(racing.service.store).create('user', user)).key;
        expect((await fetchWithKey(`${racing.url}/v1/feed/${user}?n=5`, {}, key)).status).toBe(200);
        const feeds = Array.from({ length: 6 }, () => fetchWithKey(`${racing.url}/v1/feed/${user}?n=5`, {}, key).then((r) => r.status));
        const erased = fetchWithKey(`${racing.url}/v1/users/${user}`, { method: 'DELETE' }, TEST_SERVICE_KEY).then((r) => r.status);
        const statuses = await Promise.all([...feeds, erased]);
        expect(statuses.at(-1)).toBe(200);
        // Served before the erasure (200, then deleted with the rest), racing it (410), or after it (401: the key is gone).
        for (const status of statuses.slice(0, -1)) expect([200, 401, 410]).toContain(status);
        await new Promise((resolve) => setTimeout(resolve, 150)); // served rows are flushed every 50 ms
        expect(await racing.service.store.servedOfUser(user)).toEqual([]);
        expect(await racing.service.store.getUser(user)).toBeUndefined();
        expect(racing.service.state.users.get(user)).toBeUndefined();
      }
    } finally {
      await racing.dispose();
    }
  });
});

describe('ids', () => {
  it('refuses a lone surrogate anywhere in a body with 400 naming the field, and stores nothing', async () => {
    const events = `{"events":[{"id":"s1","user":"\\ud800","type":"impression","video":"v1"}]}`;
    const response = await postRaw('/v1/events', events, TEST_SERVICE_KEY);
    expect(response.status).toBe(400);
    expect((await response.json()).problems[0]).toMatchObject({ index: 0, field: 'user', message: expect.stringMatching(/Unicode/) });
    const profile = await fetchWithKey(`${server.url}/v1/users/erin`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: `{"region":"DE","interests":["ok","bad\\udc00"]}`,
    });
    expect(profile.status).toBe(400);
    expect((await profile.json()).problems[0]).toMatchObject({ field: 'interests.1' });
    expect(await server.service.store.getUser('erin')).toBeUndefined();
    // A proper pair is text like any other.
    const pair = await postRaw('/v1/events', `{"events":[{"id":"s2","user":"\\ud83d\\ude00","type":"impression","video":"v1"}]}`, TEST_SERVICE_KEY);
    expect(pair.status).toBe(200);
    expect(await server.service.store.eventsOfUser('😀', 10)).toHaveLength(1);
  });

  it('keeps ids byte for byte through storage, a restart and the URL: no normalisation merges two users', async () => {
    // é as one code point and as e + a combining accent are different ids, as are an emoji and its neighbours.
    const ids = ['\u00e9', 'e\u0301', '\u{1F600}x', 'x\u{1F601}'];
    const events = ids.map((user, i) => event(user, `u-${i}`, 'impression', 'v1'));
    expect((await postJson(`${server.url}/v1/events`, { events }, TEST_SERVICE_KEY)).status).toBe(200);
    await restart();
    for (const id of ids) {
      const stored = await server.service.store.eventsOfUser(id, 10);
      expect(stored.map((e) => e.user)).toEqual([id]);
      const exported = await (await fetchWithKey(`${server.url}/v1/users/${encodeURIComponent(id)}/export`, {}, TEST_SERVICE_KEY)).json();
      expect(Buffer.from(exported.user).equals(Buffer.from(id))).toBe(true);
      expect(exported.events).toHaveLength(1);
    }
  });

  it("scopes event ids per user: another user's id cannot drop a user's event", async () => {
    const planted = await postJson(`${server.url}/v1/users/alice/events`, { events: [event('alice', 'bob-next-1', 'impression', 'v2')] }, aliceKey);
    expect(await planted.json()).toEqual({ accepted: 1, duplicates: 0 });
    const real = await postJson(`${server.url}/v1/users/bob/events`, { events: [event('bob', 'bob-next-1', 'impression', 'v3')] }, TEST_SERVICE_KEY);
    expect(await real.json()).toEqual({ accepted: 1, duplicates: 0 });
    const again = await postJson(`${server.url}/v1/users/bob/events`, { events: [event('bob', 'bob-next-1', 'impression', 'v3')] }, TEST_SERVICE_KEY);
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 1 });
  });
});

describe('pending videos and cursors', () => {
  it("hides a pending video from every user's key but its creator's: explain 404s, events about it are refused", async () => {
    await putJson(`${server.url}/v1/videos/secret`, { creator: 'alice', durationMs: 10_000, hashtags: ['soon'], status: 'pending' });
    const explain = await fetchWithKey(`${server.url}/v1/feed/bob/explain/secret`, {}, bobKey);
    expect(explain.status).toBe(404);
    expect(await explain.json()).toMatchObject({ error: 'unknown video "secret"' });
    const follow = await postJson(`${server.url}/v1/users/bob/events`, { events: [event('bob', 'f-secret', 'follow', 'secret')] }, bobKey);
    expect(follow.status).toBe(400);
    expect((await follow.json()).problems[0]).toMatchObject({ index: 0, field: 'video', message: 'unknown video "secret"' });
    const own = await postJson(`${server.url}/v1/users/alice/events`, { events: [event('alice', 'own-secret', 'impression', 'secret')] }, aliceKey);
    expect(own.status).toBe(200);
  });

  it('signs cursors for their user: a changed cursor or another user’s is refused; a cursor outlives a restart', async () => {
    const page = await (await fetchWithKey(`${server.url}/v1/feed/alice?n=3&mode=nonpersonalized`, {}, aliceKey)).json();
    const cursor: string = page.cursor;
    const [payload, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ mode: 'nonpersonalized', page: 2, offset: 1e12 })).toString('base64url');
    for (const bad of [`${forged}.${mac}`, payload!, `${payload}.AAAAAAAAAAAAAAAAAAAAAA`]) {
      const refused = await fetchWithKey(`${server.url}/v1/feed/alice?n=3&mode=nonpersonalized&cursor=${bad}`, {}, aliceKey);
      expect(refused.status).toBe(400);
      expect((await refused.json()).problems[0]).toMatchObject({ field: 'cursor' });
    }
    const stolen = await fetchWithKey(`${server.url}/v1/feed/bob?n=3&mode=nonpersonalized&cursor=${cursor}`, {}, bobKey);
    expect(stolen.status).toBe(400);
    await restart();
    const next = await fetchWithKey(`${server.url}/v1/feed/alice?n=3&mode=nonpersonalized&cursor=${cursor}`, {}, aliceKey);
    expect(next.status).toBe(200);
  });
});

describe('headers', () => {
  it('sends the web app with a Content-Security-Policy, no framing and nosniff; the API with nosniff', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const api = await fetchWithKey(`${server.url}/v1/feed/alice?n=1`, {}, aliceKey);
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('content-security-policy')).toBeNull();
  });
});
