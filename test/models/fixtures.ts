import { buildInteractions, type Interactions } from '../../src/models/interactions.js';

/**
 * Two taste groups: users 0–9 engage with items 0–3, users 10–19 with items 4–7, and everyone with the
 * popular item 8 (user 19 lacks item 7). Item 9 is seen by one user only. User 20's history {0, 1, 2} makes item 3 the obvious next one.
 */
export function twoGroups(): Interactions {
  const users: number[] = [];
  const items: number[] = [];
  const add = (u: number, i: number) => {
    users.push(u);
    items.push(i);
  };
  for (let u = 0; u < 10; u++) for (let i = 0; i < 4; i++) add(u, i);
  for (let u = 10; u < 20; u++) for (let i = 4; i < 8; i++) if (!(u === 19 && i === 7)) add(u, i);
  for (let u = 0; u < 20; u++) add(u, 8);
  add(15, 9);
  add(20, 0);
  add(20, 1);
  add(20, 2);
  add(20, 8);
  return buildInteractions(21, 10, users, items);
}

export const HISTORY_USER = 20;
export const OBVIOUS_NEXT = 3;
