import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRateLimits, DEFAULT_RATE_LIMITS } from '../../src/api/rate-limits.js';
import { ApiKeys } from '../../src/auth/api-keys.js';
import { fetchWithKey, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
let alice: string;
let bob: string;

beforeAll(async () => {
  server = await startServer(undefined, {}, { rateLimits: { user: 5, anonymous: 3 } });
  const keys = new ApiKeys(server.service.store);
  alice = (await keys.create('user', 'alice')).key;
  bob = (await keys.create('user', 'bob')).key;
});
afterAll(async () => server.dispose());

describe('rate limits', () => {
  it('counts per key: a user key is cut off at its limit with a 429 naming it; other keys go on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetchWithKey(`${server.url}/v1/feed/alice?n=1`, {}, alice)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await fetchWithKey(`${server.url}/v1/feed/alice?n=1`, {}, alice);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await refused.json();
    expect(body.error).toBe('rate limit exceeded');
    expect(body.problems[0]).toMatchObject({ field: 'authorization', message: expect.stringMatching(/5 requests per minute/) });
    expect((await fetchWithKey(`${server.url}/v1/feed/bob?n=1`, {}, bob)).status).toBe(200);
    for (let i = 0; i < 20; i++) expect((await fetchWithKey(`${server.url}/v1/feed/alice?n=1`)).status).toBe(200);
  });

  it('counts requests without a valid key per address, wrong keys included', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await fetch(`${server.url}/healthz`)).status);
    statuses.push((await fetchWithKey(`${server.url}/v1/feed/alice`, {}, 'guessed-key')).status);
    statuses.push((await fetch(`${server.url}/healthz`)).status);
    statuses.push((await fetchWithKey(`${server.url}/v1/feed/alice`, {}, 'another-guess')).status);
    expect(statuses).toEqual([200, 200, 401, 429, 429]);
  });
});

describe('parseRateLimits', () => {
  it('overrides the classes named and keeps the rest; refuses unknown classes and bad numbers', () => {
    expect(parseRateLimits('service=5, user=2')).toEqual({ ...DEFAULT_RATE_LIMITS, service: 5, user: 2 });
    expect(() => parseRateLimits('root=5')).toThrow(/unknown class "root"/);
    expect(() => parseRateLimits('user=0')).toThrow(/user/);
    expect(() => parseRateLimits('user=lots')).toThrow(/user/);
  });
});
