/**
 * The demo catalogue `npm start` creates on first start, so a newcomer sees a working feed at once: a simulated
 * world (creators, videos with topics and hashtags, users with history) plus the demo user the web app opens as.
 * It is written to the store before the service opens, which then builds its state from it as from any store.
 */
import { loadWorldIntoStore } from '../sim/load-into-store.js';
import { createWorld } from '../sim/world.js';
import { openStore } from '../store/open-store.js';
import { DEMO_CLIP_SECONDS } from './demo-media.js';

export const DEMO_USER = 'demo';
/**
 * 6,000 users make 300 creators (5 %), so every topic has dozens of videos (55 to 227 live with this seed): with 800
 * users the 40 creators left #gaming 8 live videos of 3,000 and #pets 16, too few for a person who likes one of them
 * to get more of it, whatever the engine does. Users are cheap to create; the 80,000 events take the time.
 */
const DEMO_WORLD = { users: 6000, videos: 3000, events: 80_000, seed: 42, videoDurationMs: DEMO_CLIP_SECONDS * 1000 };

export async function ensureDemoCatalogue(location: string, log: (line: string) => void): Promise<void> {
  const store = openStore(location);
  try {
    if ((await store.getMeta('demo')) !== undefined) return;
    log(`foryou: creating the demo catalogue (${DEMO_WORLD.videos} videos, ${DEMO_WORLD.users} users, ${DEMO_WORLD.events} events)…`);
    const world = createWorld(DEMO_WORLD);
    await loadWorldIntoStore(store, world, DEMO_WORLD.events);
    await store.putUsers([
      {
        id: DEMO_USER,
        region: 'DE',
        createdAt: world.now,
        interests: ['dance', 'cooking', 'pets'],
        settings: { personalized: true, minor: false },
      },
    ]);
    await store.setMeta('demo', JSON.stringify({ createdAt: Date.now(), ...DEMO_WORLD }));
    log(`foryou: demo catalogue ready; the web app opens as user "${DEMO_USER}"`);
  } finally {
    await store.close();
  }
}
