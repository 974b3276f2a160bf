/**
 * The demo catalogue `npm start` creates on first start, so a newcomer sees a working feed at once: a simulated
 * world (creators, videos with topics and hashtags, users with history) plus the demo user the web app opens as.
 */
import type { User } from '../core/schemas.js';
import { generateEvents } from '../sim/events.js';
import { createWorld } from '../sim/world.js';
import type { ForyouService } from './foryou-service.js';

export const DEMO_USER = 'demo';
const DEMO_WORLD = { users: 800, videos: 3000, events: 80_000, seed: 42 };
const BATCH = 10_000;

export async function ensureDemoCatalogue(service: ForyouService, log: (line: string) => void): Promise<void> {
  if ((await service.store.getMeta('demo')) !== undefined) return;
  log(`foryou: creating the demo catalogue (${DEMO_WORLD.videos} videos, ${DEMO_WORLD.users} users, ${DEMO_WORLD.events} events)…`);
  const world = createWorld(DEMO_WORLD);
  for (const video of world.videos) service.state.putVideo(video);
  await service.store.putVideos(world.videos);
  await service.store.putUsers(world.users);
  for (const user of world.users) service.state.putUser(user);
  let batch = [];
  for (const event of generateEvents(world, DEMO_WORLD.events)) {
    batch.push(event);
    if (batch.length === BATCH) {
      await appendAndApply(service, batch);
      batch = [];
    }
  }
  await appendAndApply(service, batch);
  const demoUser: User = {
    id: DEMO_USER,
    region: 'DE',
    createdAt: world.now,
    interests: ['dance', 'cooking', 'pets'],
    settings: { personalized: true, minor: false },
  };
  await service.putUser(demoUser);
  await service.store.setMeta('demo', JSON.stringify({ createdAt: Date.now(), ...DEMO_WORLD }));
  log(`foryou: demo catalogue ready; the web app opens as user "${DEMO_USER}"`);
}

async function appendAndApply(service: ForyouService, events: Parameters<ForyouService['store']['appendEvents']>[0]) {
  if (events.length === 0) return;
  const { inserted } = await service.store.appendEvents(events, []);
  for (const event of inserted) service.state.applyEvent(event);
}
