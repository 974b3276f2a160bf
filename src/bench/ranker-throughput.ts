/**
 * In-process throughput of the online ranker: events learned per second (features, labels, update and counters,
 * as the server does per accepted event) and candidates scored per second on one core (features and all heads).
 */
import { DEFAULT_ALGORITHM } from '../core/algorithm.js';
import type { AcceptedEvent, User, Video } from '../core/schemas.js';
import { OnlineState } from '../features/online-state.js';
import { fillRankerInput } from '../features/ranker-features.js';
import { HEAD_COUNT } from '../models/online/heads.js';
import { RankerInput } from '../models/online/ranker-input.js';

export interface RankerThroughput {
  onlineEventsPerSec: number;
  rankerCandidatesPerSec: number;
}

export function measureRankerThroughput(
  videos: readonly Video[],
  users: readonly User[],
  events: readonly AcceptedEvent[],
  candidates: number,
): RankerThroughput {
  const state = new OnlineState(DEFAULT_ALGORITHM);
  for (const video of videos) state.putVideo(video);
  for (const user of users) state.putUser(user);
  let started = performance.now();
  for (const event of events) state.applyEvent(event);
  const onlineEventsPerSec = events.length / ((performance.now() - started) / 1000);

  const ranker = state.learner!.ranker;
  const input = new RankerInput();
  const out = new Float64Array(HEAD_COUNT);
  const userStates = users.map((user) => state.users.get(user.id)!);
  const now = Date.now();
  let sink = 0;
  started = performance.now();
  for (let i = 0; i < candidates; i++) {
    // A user's request scores a few hundred candidates: keep each user for 500 consecutive candidates.
    const user = userStates[Math.floor(i / 500) % userStates.length]!;
    fillRankerInput(state, user, (i * 7919) % videos.length, now, input);
    ranker.predict(input, out);
    sink += out[0]!;
  }
  const rankerCandidatesPerSec = candidates / ((performance.now() - started) / 1000);
  if (Number.isNaN(sink)) throw new Error('ranker produced NaN');
  return { onlineEventsPerSec: Math.round(onlineEventsPerSec), rankerCandidatesPerSec: Math.round(rankerCandidatesPerSec) };
}
