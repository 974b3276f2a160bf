/**
 * What an import knows about the store while it runs: each video's creator and the ids of stored users. Loaded once
 * from the store and kept up to date with what the import writes, so checking an event costs a Map lookup instead
 * of a query.
 */
import type { CatalogLookup } from '../ingest/accept-events.js';
import type { Store } from '../store/store.js';

export class ImportCatalog implements CatalogLookup {
  private readonly videoCreators = new Map<string, string>();
  private readonly creators = new Set<string>();
  private readonly users = new Set<string>();

  static async load(store: Store): Promise<ImportCatalog> {
    const catalog = new ImportCatalog();
    for await (const videos of store.scanVideoCreators()) for (const [id, creator] of videos) catalog.addVideo(id, creator);
    for await (const users of store.scanUserIds()) for (const id of users) catalog.addUser(id);
    return catalog;
  }

  creatorOfVideo(videoId: string): string | undefined {
    return this.videoCreators.get(videoId);
  }

  /** A followable id: a stored user, or the creator of a stored video (who may not be registered as a user). */
  isKnownCreator(userId: string): boolean {
    return this.users.has(userId) || this.creators.has(userId);
  }

  hasVideo(videoId: string): boolean {
    return this.videoCreators.has(videoId);
  }

  hasUser(userId: string): boolean {
    return this.users.has(userId);
  }

  addVideo(videoId: string, creator: string): void {
    this.videoCreators.set(videoId, creator);
    this.creators.add(creator);
  }

  addUser(userId: string): void {
    this.users.add(userId);
  }
}
