/**
 * Keys for the demo: a key of the demo user (the web app calls the API with it) and a service key to try the API
 * with. Only hashes are stored, so a key cannot be shown again at the next start: each start issues new ones and
 * revokes those of the previous start, and a demo never leaves valid keys behind that nobody can see.
 */
import type { ApiKeys } from '../auth/api-keys.js';
import type { Store } from '../store/store.js';
import { DEMO_USER } from './demo.js';

const META_KEY = 'demo-keys';

export interface DemoKeys {
  user: string;
  service: string;
}

export async function issueDemoKeys(store: Store, keys: ApiKeys): Promise<DemoKeys> {
  const previous = await store.getMeta(META_KEY);
  for (const id of previous === undefined ? [] : (JSON.parse(previous) as string[])) {
    const record = await store.apiKey(id);
    if (record && record.revokedAt === null) await keys.revoke(id);
  }
  const user = await keys.create('user', DEMO_USER);
  const service = await keys.create('service');
  await store.setMeta(META_KEY, JSON.stringify([user.record.id, service.record.id]));
  return { user: user.key, service: service.key };
}
