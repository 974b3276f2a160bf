/**
 * A synthetic implicit-feedback data set with the shape of real ones, for timing models at sizes the project has
 * no real data for: Zipf-distributed item popularity, heavy-tailed user activity (log-normal), and latent taste
 * (items belong to topics; each user draws most interactions from a few favourite topics), so that neighbour
 * lists and co-occurrence counts are as skewed as in real logs.
 */
import { seededRandom, gaussian } from '../models/random.js';

export interface SyntheticShape {
  users: number;
  items: number;
  interactions: number;
  topics?: number;
  seed?: number;
}

/** Parallel arrays of distinct (user, item) pairs, exactly `interactions` long (unless the catalogue is too small). */
export function syntheticInteractions(shape: SyntheticShape): { users: Int32Array; items: Int32Array } {
  const random = seededRandom(shape.seed ?? 42);
  const topics = shape.topics ?? 200;
  const numItems = shape.items;
  // Items: topic and Zipf weight (exponent 0.9) by a random popularity rank.
  const itemTopic = new Int32Array(numItems);
  const rank = Int32Array.from({ length: numItems }, (_, i) => i);
  for (let a = numItems - 1; a > 0; a--) {
    const b = Math.floor(random() * (a + 1));
    const t = rank[a]!;
    rank[a] = rank[b]!;
    rank[b] = t;
  }
  for (let i = 0; i < numItems; i++) itemTopic[i] = Math.floor(random() * topics);
  // Per topic: its items and cumulative Zipf weights, for sampling by binary search.
  const topicCounts = new Int32Array(topics + 1);
  for (let i = 0; i < numItems; i++) topicCounts[itemTopic[i]! + 1]++;
  for (let t = 0; t < topics; t++) topicCounts[t + 1] += topicCounts[t]!;
  const topicItems = new Int32Array(numItems);
  const cumulative = new Float64Array(numItems);
  const cursor = topicCounts.slice(0, topics);
  for (let i = 0; i < numItems; i++) topicItems[cursor[itemTopic[i]!]!++] = i;
  for (let t = 0; t < topics; t++) {
    let sum = 0;
    for (let p = topicCounts[t]!; p < topicCounts[t + 1]!; p++) {
      sum += Math.pow(rank[topicItems[p]!]! + 1, -0.9);
      cumulative[p] = sum;
    }
  }
  // Users: log-normal activity scaled to the requested total, at least 2 and at most a tenth of the catalogue.
  const activity = new Float64Array(shape.users);
  let total = 0;
  for (let u = 0; u < shape.users; u++) {
    activity[u] = Math.exp(1.1 * gaussian(random));
    total += activity[u]!;
  }
  const cap = Math.max(2, Math.floor(numItems / 10));
  const counts = new Int32Array(shape.users);
  let assigned = 0;
  for (let u = 0; u < shape.users; u++) {
    counts[u] = Math.min(cap, Math.max(2, Math.round((activity[u]! / total) * shape.interactions)));
    assigned += counts[u]!;
  }
  // Nudge to the exact total.
  for (let u = 0; assigned !== shape.interactions && u < shape.users * 4; u++) {
    const v = u % shape.users;
    if (assigned < shape.interactions && counts[v]! < cap) {
      counts[v]++;
      assigned++;
    } else if (assigned > shape.interactions && counts[v]! > 2) {
      counts[v]--;
      assigned--;
    }
  }
  const users = new Int32Array(assigned);
  const items = new Int32Array(assigned);
  const stamp = new Int32Array(numItems).fill(-1);
  const favourites = new Int32Array(3);
  let at = 0;
  for (let u = 0; u < shape.users; u++) {
    for (let f = 0; f < 3; f++) favourites[f] = Math.floor(random() * topics);
    for (let n = 0; n < counts[u]!; ) {
      const topic = random() < 0.8 ? favourites[Math.floor(random() * 3)]! : Math.floor(random() * topics);
      const start = topicCounts[topic]!;
      const end = topicCounts[topic + 1]!;
      if (end === start) continue;
      const target = random() * cumulative[end - 1]!;
      let lo = start;
      let hi = end - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < target) lo = mid + 1;
        else hi = mid;
      }
      let item = topicItems[lo]!;
      // A repeat: take a uniformly random item instead, so heavy users still finish.
      if (stamp[item] === u) item = Math.floor(random() * numItems);
      if (stamp[item] === u) continue;
      stamp[item] = u;
      users[at] = u;
      items[at] = item;
      at++;
      n++;
    }
  }
  return { users, items };
}
