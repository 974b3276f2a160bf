/**
 * Hostile requests to every route the server declares (the access table, so a route added later is fuzzed too):
 * generated paths, queries, bodies, content types and callers, the user's own key on their own routes included.
 * Whatever arrives, the answer is never a 5xx, a refusal is JSON naming the problem and changes nothing, and the
 * server is healthy afterwards. Seeded; FUZZ_RUNS sets the size (CI: 10,000; `npm run fuzz`: 100,000).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredRoutes } from '../../src/api/access.js';
import { ApiKeys } from '../../src/auth/api-keys.js';
import { putJson, putVideos, startServer, TEST_ADMIN_KEY, TEST_SERVICE_KEY, type RunningServer } from '../helpers/running-server.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_205);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
let server: RunningServer;
let userKey: string;
let auditorKey: string;

beforeAll(async () => {
  server = await startServer(undefined, {}, { rateLimits: { user: 1e9, anonymous: 1e9, auditor: 1e9 } });
  await putVideos(server.url, 8, 3);
  await putJson(`${server.url}/v1/users/u1`, { region: 'DE', interests: ['dance'] });
  const keys = new ApiKeys(server.service.store);
  userKey = (await keys.create('user', 'u1')).key;
  auditorKey = (await keys.create('auditor')).key;
});
afterAll(async () => server?.dispose());

/** What a refused request must leave as it was: every table's size, the catalogue, the user, the keys. */
async function snapshot(): Promise<string> {
  const { store, state } = server.service;
  return JSON.stringify({
    counts: await store.counts(),
    algorithmVersions: (await store.listAlgorithmVersions()).length,
    keys: (await store.listApiKeys()).length,
    videos: state.catalog.size,
    users: state.users.size,
    u1: await store.getUser('u1'),
    v0: await store.getVideo('v0'),
  });
}

type Caller = 'service' | 'admin' | 'auditor' | 'user' | 'none' | 'garbage';
const CALLER_KEYS: Record<Caller, () => string | undefined> = {
  service: () => TEST_SERVICE_KEY,
  admin: () => TEST_ADMIN_KEY,
  auditor: () => auditorKey,
  user: () => userKey,
  none: () => undefined,
  garbage: () => 'fy_000000000000_garbage',
};

/** Routes whose success would erase the fixtures every later case needs; their refusals are still fuzzed. */
function destructive(method: string, url: string, caller: Caller): boolean {
  return method === 'DELETE' && url === '/v1/users/:id' && (caller === 'service' || caller === 'admin' || caller === 'user');
}

const idText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('u1', 'u2', 'v0', 'v1', 'c0', 'x'.repeat(129), '') },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);
const segment = fc.oneof(
  { weight: 5, arbitrary: idText.map((text) => { try { return encodeURIComponent(text); } catch { return '%ED%A0%80'; } }) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%FF', '..', '%2e%2e', '%00', 'a%2Fb') },
);
const query = fc
  .dictionary(fc.constantFrom('n', 'mode', 'cursor', 'after', 'limit', 'since', 'x'), fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)), { maxKeys: 3 })
  .map((entries) => new URLSearchParams(entries).toString());
const body = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.record({ events: fc.array(fc.record({ id: idText, user: idText, type: fc.constantFrom('play', 'like', 'report', 'follow', 'x'), video: idText, watchMs: fc.integer() }, { requiredKeys: [] }), { maxLength: 5 }) }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 500 }) },
  { weight: 1, arbitrary: fc.integer({ min: 17, max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
  { weight: 1, arbitrary: fc.constantFrom('{"user":"\\ud800"}', '{"events":[{"id":"\\udfff","user":"u1","type":"play","video":"v0","watchMs":1}]}', '{', '') },
);
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom(undefined, 'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16') },
);
const caller = fc.constantFrom<Caller>('service', 'service', 'admin', 'auditor', 'user', 'user', 'none', 'garbage');

let sent = 0;
const statuses = new Map<number, number>();

describe('hostile requests to every declared route', () => {
  it(`answers ${RUNS} generated requests without a 5xx, refusals in JSON and changing nothing`, async () => {
    const routes = declaredRoutes(server.app).filter((route) => !route.url.startsWith('/docs') && route.url !== '/media/*');
    expect(routes.length).toBeGreaterThan(25);
    const request = fc.record({
      route: fc.constantFrom(...routes),
      params: fc.array(segment, { minLength: 3, maxLength: 3 }),
      query,
      body,
      contentType,
      caller,
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, params, query: search, body: payload, contentType: type, caller: who }) => {
        if (destructive(route.method, route.url, who)) return;
        let next = 0;
        const path = route.url.replace(/:[A-Za-z]+|\*/g, () => params[next++ % params.length]!);
        const headers: Record<string, string> = {};
        const key = CALLER_KEYS[who]();
        if (key !== undefined) headers.authorization = `Bearer ${key}`;
        const hasBody = route.method !== 'GET' && route.method !== 'HEAD';
        if (hasBody && type !== undefined) headers['content-type'] = type;
        const before = await snapshot();
        const response = await fetch(`${server.url}${path}?${search}`, { method: route.method, headers, body: hasBody ? payload : undefined });
        const text = await response.text();
        sent++;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const where = `${route.method} ${path.slice(0, 80)} (${who}) → ${response.status} ${text.slice(0, 200)}`;
        expect(response.status, where).toBeLessThan(500);
        if (response.status >= 400) {
          if (route.method !== 'HEAD') {
            const answer = JSON.parse(text) as { error: unknown; problems: unknown };
            expect(typeof answer.error, where).toBe('string');
            expect(Array.isArray(answer.problems), where).toBe(true);
          }
          expect(await snapshot(), `refused yet changed: ${where}`).toBe(before);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 30 * 60_000);

  it('is healthy afterwards, having answered with many kinds of status', async () => {
    expect(sent).toBeGreaterThan(RUNS * 0.9);
    expect([...statuses.keys()].filter((status) => status >= 400).length).toBeGreaterThanOrEqual(5);
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/v1/feed/u1?n=3`, { headers: { authorization: `Bearer ${TEST_SERVICE_KEY}` } })).status).toBe(200);
  });
});
