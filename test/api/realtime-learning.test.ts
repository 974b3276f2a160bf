import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithKey, postJson, putJson, startServer, type RunningServer } from '../helpers/running-server.js';

let server: RunningServer;
const TOPICS = ['cats', 'cars', 'cooking'];
const PER_TOPIC = 80;
/** The topic the first test's user comes to favour. */
let learnerTopic = TOPICS[0]!;

interface Item {
  video: { id: string; creator: string; durationMs: number; hashtags: string[] };
  reasons: string[];
}

const topicOf = (item: Item) => item.video.id.split('-')[0]!;

async function page(user: string, n = 10): Promise<Item[]> {
  return (await (await fetchWithKey(`${server.url}/v1/feed/${user}?n=${n}`)).json()).items;
}

let eventId = 0;
/** The user watches the favourite topic to the end (and likes it), skips the rest. */
async function consume(user: string, items: Item[], favourite: string): Promise<void> {
  const events = items.flatMap((item) =>
    topicOf(item) === favourite
      ? [
          { id: `rt${eventId++}`, user, video: item.video.id, type: 'play', watchMs: item.video.durationMs },
          { id: `rt${eventId++}`, user, video: item.video.id, type: 'like' },
        ]
      : [{ id: `rt${eventId++}`, user, video: item.video.id, type: 'skip', watchMs: 400 }],
  );
  const response = await postJson(`${server.url}/v1/events`, { events });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  server = await startServer();
  const now = Date.now();
  for (const topic of TOPICS) {
    for (let i = 0; i < PER_TOPIC; i++) {
      await putJson(`${server.url}/v1/videos/${topic}-${i}`, {
        creator: `${topic}-creator${i % 10}`,
        durationMs: 12_000,
        caption: `${topic} video ${i}`,
        hashtags: [`${topic}${i % 5}`],
        sound: `${topic}-sound${i % 4}`,
        createdAt: now - (i * 3 + TOPICS.indexOf(topic)) * 60_000,
      });
    }
  }
});
afterAll(async () => server.dispose());

describe('real-time learning', () => {
  it("raises a topic's share of the next page once the user finishes it and skips the rest", async () => {
    const first = await page('learner');
    const count = (items: Item[], topic: string) => items.filter((item) => topicOf(item) === topic).length;
    // The topic the cold first page shows least (new uploads are explored at random, so this varies by run).
    learnerTopic = TOPICS.reduce((least, topic) => (count(first, topic) < count(first, least) ? topic : least));
    const share = (items: Item[]) => count(items, learnerTopic) / items.length;
    const before = share(first);
    await consume('learner', first, learnerTopic);
    const second = await page('learner');
    await consume('learner', second, learnerTopic);
    const third = await page('learner');
    expect(before).toBeLessThan(0.5);
    expect(share(third)).toBeGreaterThanOrEqual(0.7);
    expect(share(third)).toBeGreaterThan(before + 0.3);
    // The reasons say which predictions drove the score
    expect(third[0]!.reasons.some((reason) => /value-scorer: \d+% chance you (watch it to the end|like it|watch it)/.test(reason))).toBe(true);
  });

  it('does not carry one user’s taste over to another user', async () => {
    const fanTopic = TOPICS.find((topic) => topic !== learnerTopic)!;
    const first = await page('fan');
    await consume('fan', first, fanTopic);
    const second = await page('fan');
    await consume('fan', second, fanTopic);
    const fan = (await page('fan')).filter((item) => topicOf(item) === fanTopic).length;
    const learner = (await page('learner')).filter((item) => topicOf(item) === fanTopic).length;
    expect(fan).toBeGreaterThan(learner);
  });
});
