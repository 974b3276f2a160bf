/**
 * A real `foryou serve` killed (SIGKILL) while it writes a state snapshot and at random moments after, under a stream
 * of event batches and feed requests: every acknowledged event is in the store afterwards, no half-written snapshot is
 * ever restored, and the state a restart makes (the newest snapshot the killed process finished, plus the log after
 * it) has the digest of replaying the whole log.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientEvent, createWorld, generateEvents, loadWorldIntoStore, Random } from '../../src/sim/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { fetchWithKey } from '../helpers/running-server.js';
import { spawnServer, type ServerProcess } from '../helpers/server-process.js';
import { digestsOfStore } from '../helpers/state-digests.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

/** The digests of the state a restart restores and of a replay of the whole log, and the events the store holds. */
async function digests(db: string): Promise<{ restored: string | undefined; replayed: string; events: Set<string> }> {
  const events = new Set<string>();
  const store = new SqliteStore(db);
  try {
    for await (const batch of store.scanEvents()) for (const event of batch) events.add(`${event.user}/${event.id}`);
  } finally {
    await store.close();
  }
  return { ...(await digestsOfStore(db)), events };
}

describe('a server killed at any moment', () => {
  it('loses nothing acknowledged, and restarts to the state of a full replay', async () => {
    const db = join(temp.dir, 'killed.db');
    const world = createWorld({ users: 300, videos: 1_500, seed: 21 });
    const store = new SqliteStore(db);
    await loadWorldIntoStore(store, world, 20_000);
    await store.close();
    const random = new Random(21);
    const live = [...generateEvents(world, 12_000, { idPrefix: 'k', seed: 22 })].map(clientEvent);
    const acknowledged: string[] = [];
    let sent = 0;
    let snapshotsSeen = 0;
    for (let round = 0; round < 4; round++) {
      const server: ServerProcess = await spawnServer(['--db', db, '--no-retrain', '--feed-workers', '1']);
      // Batches and feeds until the kill; the first round kills while a snapshot is being written.
      let killed = false;
      const traffic = (async () => {
        while (!killed && sent < live.length) {
          const batch = live.slice(sent, sent + 200);
          sent += batch.length;
          const response = await fetchWithKey(`${server.url}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ events: batch }),
          }).catch(() => undefined);
          if (response?.ok) for (const event of batch) acknowledged.push(`${event.user}/${event.id}`);
          const user = random.pick(world.users).id;
          await fetchWithKey(`${server.url}/v1/feed/${user}?n=10`).then((r) => r.arrayBuffer()).catch(() => undefined);
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 300 + random.int(700)));
      if (round === 0) {
        void fetchWithKey(`${server.url}/v1/ops/snapshot`, { method: 'POST' }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 5 + random.int(40)));
      } else if (round === 1) {
        // A snapshot that completes, then more traffic after it: the restart replays that tail.
        expect((await fetchWithKey(`${server.url}/v1/ops/snapshot`, { method: 'POST' })).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 200 + random.int(400)));
      }
      server.child.kill('SIGKILL');
      killed = true;
      await server.exited;
      await traffic;

      const { restored, replayed, events } = await digests(db);
      for (const id of acknowledged) expect(events.has(id)).toBe(true);
      if (restored !== undefined) {
        snapshotsSeen++;
        expect(restored).toBe(replayed);
      }
      // Whatever the kill interrupted left no snapshot half-written in place (temporary directories aside).
      const names = existsSync(`${db}.snapshots`) ? readdirSync(`${db}.snapshots`, { withFileTypes: true }).filter((entry) => entry.name.startsWith('state-')) : [];
      for (const entry of names) expect(readdirSync(join(entry.parentPath, entry.name)).sort()).toEqual(['ann.hnsw', 'manifest.json', 'state.bin']);
    }
    expect(snapshotsSeen).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(0);
  });
});
