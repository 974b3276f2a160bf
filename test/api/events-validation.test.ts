import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_EVENTS } from '../../src/core/schemas.js';
import { fetchWithKey, postJson, putJson, putVideos, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;

async function storedEvents(): Promise<number> {
  return (await server.service.store.counts()).events;
}

async function expectRefused(response: Response, status: number): Promise<{ error: string; problems: Array<{ index?: number; field: string; message: string }> }> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = await response.json();
  expect(typeof body.error).toBe('string');
  return body;
}

const good = (id: string) => ({ id, user: 'u1', video: 'v1', type: 'play', watchMs: 5000 });

beforeAll(async () => {
  server = await startServer();
  await putVideos(server.url, 3);
});
afterAll(async () => server.dispose());

describe('POST /v1/events refuses bad input and writes nothing', () => {
  it('names every bad event by index and field: wrong types, missing fields, unknown type, unknown video', async () => {
    const response = await postJson(`${server.url}/v1/events`, {
      events: [
        good('ok-1'),
        { id: 'bad-1', user: 'u1', video: 'v1', type: 'play', watchMs: 'long' },
        { id: 'bad-2', video: 'v1', type: 'like' },
        { id: 'bad-3', user: 'u1', video: 'v1', type: 'teleport' },
        { id: 'bad-4', user: 'u1', video: 'no-such-video', type: 'like' },
        { id: 'bad-5', user: 'u1', video: 'v1', type: 'like', colour: 'red' },
        { id: 'bad-6', user: 'u1', type: 'share' },
      ],
    });
    const body = await expectRefused(response, 400);
    const byIndex = (index: number) => body.problems.filter((p) => p.index === index).map((p) => p.field);
    expect(byIndex(0)).toEqual([]);
    expect(byIndex(1)).toEqual(['watchMs']);
    expect(byIndex(2)).toEqual(['user']);
    expect(byIndex(3)).toEqual(['type']);
    expect(byIndex(4)).toEqual(['video']);
    expect(body.problems.find((p) => p.index === 4)!.message).toMatch(/unknown video/);
    expect(byIndex(5)).toEqual(['colour']);
    expect(byIndex(6)).toEqual(['video']);
    expect(await storedEvents()).toBe(0);
  });

  it('refuses a batch over the limit', async () => {
    const events = Array.from({ length: MAX_BATCH_EVENTS + 1 }, (_, i) => good(`big-${i}`));
    const body = await expectRefused(await postJson(`${server.url}/v1/events`, { events }), 400);
    expect(body.problems[0]!.field).toBe('events');
    expect(body.problems[0]!.message).toMatch(/at most 10000/);
    expect(await storedEvents()).toBe(0);
  });

  it('refuses an empty batch and a body without events', async () => {
    expect((await expectRefused(await postJson(`${server.url}/v1/events`, { events: [] }), 400)).problems[0]!.field).toBe('events');
    expect((await expectRefused(await postJson(`${server.url}/v1/events`, [good('x')]), 400)).problems.length).toBeGreaterThan(0);
    expect(await storedEvents()).toBe(0);
  });

  it('refuses malformed JSON', async () => {
    const response = await fetchWithKey(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"events":[{"id":"e1",',
    });
    const body = await expectRefused(response, 400);
    expect(body.error).toMatch(/not valid JSON/);
    expect(await storedEvents()).toBe(0);
  });

  it('refuses a body that is not UTF-8 rather than mangling ids', async () => {
    const json = Buffer.from(JSON.stringify({ events: [{ ...good('utf'), user: 'u_X' }] }));
    json[json.indexOf('u_X') + 2] = 0xff;
    const response = await fetchWithKey(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json,
    });
    const body = await expectRefused(response, 400);
    expect(body.error).toMatch(/UTF-8/);
    expect(await storedEvents()).toBe(0);
  });

  it('refuses other media types with 415', async () => {
    const response = await fetchWithKey(`${server.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    await expectRefused(response, 415);
    expect(await storedEvents()).toBe(0);
  });

  it('refuses a timestamp in the future', async () => {
    const body = await expectRefused(await postJson(`${server.url}/v1/events`, { events: [{ ...good('future'), ts: Date.now() + 86_400_000 }] }), 400);
    expect(body.problems).toEqual([expect.objectContaining({ index: 0, field: 'ts' })]);
    expect(await storedEvents()).toBe(0);
  });

  it('refuses a timestamp in seconds instead of milliseconds', async () => {
    const body = await expectRefused(await postJson(`${server.url}/v1/events`, { events: [{ ...good('sec'), ts: 1_700_000_000 }] }), 400);
    expect(body.problems).toEqual([expect.objectContaining({ index: 0, field: 'ts' })]);
    expect(await storedEvents()).toBe(0);
  });
});

describe('PUT /v1/videos and /v1/users validate too', () => {
  it('names the bad fields of a video and stores nothing', async () => {
    const response = await putJson(`${server.url}/v1/videos/bad`, { creator: '', durationMs: -5, hashtags: 'cats', status: 'gone' });
    const body = await expectRefused(response, 400);
    expect(body.problems.map((p) => p.field).sort()).toEqual(['creator', 'durationMs', 'hashtags', 'status']);
    expect((await fetchWithKey(`${server.url}/v1/videos/bad`)).status).toBe(404);
  });

  it('refuses a body id that differs from the path', async () => {
    const response = await putJson(`${server.url}/v1/videos/a`, { id: 'b', creator: 'c', durationMs: 1000 });
    expect((await expectRefused(response, 400)).problems[0]!.field).toBe('id');
  });

  it('names bad user settings', async () => {
    const response = await putJson(`${server.url}/v1/users/u9`, { settings: { personalized: 'no' } });
    expect((await expectRefused(response, 400)).problems[0]!.field).toBe('settings.personalized');
    expect((await fetchWithKey(`${server.url}/v1/users/u9`)).status).toBe(404);
  });

  it('refuses an over-long id in the path', async () => {
    const response = await fetchWithKey(`${server.url}/v1/videos/${'x'.repeat(129)}`);
    expect((await expectRefused(response, 400)).problems[0]!.field).toBe('id');
  });

  it('answers 404 with JSON for unknown routes', async () => {
    await expectRefused(await fetchWithKey(`${server.url}/v2/nothing`), 404);
  });
});
