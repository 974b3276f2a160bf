import type { Store } from './store.js';
import { SqliteStore, type StoreOptions } from './sqlite/sqlite-store.js';

/** Opens the store a location names: a file path (embedded SQLite). Other backends arrive with their issue. */
export function openStore(location: string, options: StoreOptions = {}): Store {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new Error('the PostgreSQL store is not available yet; use a SQLite file path');
  }
  return new SqliteStore(location, options);
}
