/**
 * Answers a user's data requests: an export of everything held about them, and erasure everywhere — store rows,
 * in-memory state, the ranker's vectors and the snapshots that captured them. Both are audited without the data.
 */
import { Readable } from 'node:stream';
import { NotFoundError } from '../core/errors.js';
import { topicProfile } from '../features/topic-profile.js';
import { VIDEO_VECTOR_SNAPSHOT_NAME } from '../features/video-vector-index.js';
import { RANKER_SNAPSHOT_NAME } from '../models/online/ranker-codec.js';
import type { UserErasure } from '../store/store.js';
import type { ForyouService } from './foryou-service.js';

/** Hashtags and sounds listed as inferred interests in an export. */
const EXPORTED_TOP_INTERESTS = 20;

async function isKnown(service: ForyouService, id: string): Promise<boolean> {
  return (
    service.state.users.has(id) ||
    service.state.catalog.isCreator(id) ||
    (await service.store.getUser(id)) !== undefined ||
    (await service.store.videosOfCreator(id)).length > 0
  );
}

function topEntries(counts: Map<string, number>): Array<{ name: string; engagements: number }> {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, EXPORTED_TOP_INTERESTS)
    // Rejections are weighted (a skip by how little was watched): shown to a tenth.
    .map(([name, engagements]) => ({ name, engagements: Math.round(engagements * 10) / 10 }));
}

/** Events read from the store per page of an export: it streams, never holding a large account whole. */
const EXPORT_EVENTS_PER_PAGE = 500;

/**
 * Everything held about the user, as JSON text streamed page by page: a 533k-event account was built whole in memory
 * (81 MB, +1.1 GiB for three at once) while every other request waited. The events are read from the store a page at
 * a time, each page a turn of the event loop. Audited when the stream has been read to its end.
 */
export async function exportUser(service: ForyouService, id: string, actor: string, now = Date.now()): Promise<Readable> {
  if (!(await isKnown(service, id))) throw new NotFoundError(`unknown user "${id}"`);
  const { store, state } = service;
  const user = state.users.get(id);
  const profile = (await store.getUser(id)) ?? user?.profile ?? null;
  const interests = user && topicProfile(state, user);
  const ranker = state.learner?.ranker;
  const retrieval = state.learner?.retrieval;
  const head = {
    exportedAt: now,
    user: id,
    profile,
    settings: profile?.settings ?? null,
    follows: user ? [...user.follows].sort() : [],
    notInterestedCreators: user ? [...user.notInterestedCreators].sort() : [],
    /** Sounds of videos marked "not interested", with how many; hidden from the feed at the configured count. */
    notInterestedSounds: user ? Object.fromEntries([...user.notInterestedSounds].sort()) : {},
  };
  const tail = {
    servedItems: await store.servedOfUser(id),
    videos: await store.videosOfCreator(id),
    inferredInterests: {
      basis: 'your recent positive engagements (likes, shares, comments, well-watched plays)',
      positiveEngagements: interests?.positives ?? 0,
      hashtags: interests ? topEntries(interests.counts) : [],
      sounds: interests ? topEntries(interests.soundCounts) : [],
      rejectedBasis:
        'your recent skips (a quick one counts 1, one left near the end almost 0) and "not interested" marks (3 each), ' +
        'which count against the hashtags and sounds they carry',
      rejectedHashtags: interests ? topEntries(interests.rejected) : [],
      rejectedSounds: interests ? topEntries(interests.soundRejected) : [],
    },
    model: {
      description:
        'the online ranker keeps one vector per user it has seen often enough; it scores videos for you from it',
      userVector: ranker ? ranker.tables.users.describe(id) : null,
      creatorVector: ranker ? ranker.tables.creators.describe(id) : null,
      retrievalDescription:
        'the retrieval model keeps one vector per user with a positive engagement; the embedding source finds ' +
        'candidate videos for you from it',
      retrievalVector: retrieval ? retrieval.tables.users.describe(id) : null,
      retrievalCreatorVector: retrieval ? retrieval.tables.creators.describe(id) : null,
      seenVideos: user?.seen.size ?? 0,
      recentEngagementsKept: user?.recentLength ?? 0,
      recentRejectionsKept: user?.rejections.size ?? 0,
    },
  };
  async function* text(): AsyncGenerator<string> {
    // The object's fields in one order: head, the events array, the rest.
    yield `${JSON.stringify(head).slice(0, -1)},"events":[`;
    let after: { ts: number; seq: number } | undefined;
    let events = 0;
    for (;;) {
      const page = await store.eventsOfUserPage(id, after, EXPORT_EVENTS_PER_PAGE);
      if (page.length === 0) break;
      yield (events === 0 ? '' : ',') + page.map((event) => JSON.stringify(event)).join(',');
      events += page.length;
      const last = page[page.length - 1]!;
      after = { ts: last.ts, seq: last.seq };
      await new Promise((resolve) => setImmediate(resolve));
    }
    yield `],${JSON.stringify(tail).slice(1)}`;
    await service.audit.append('user.exported', actor, { events }, await service.audit.pseudonym(id), now);
  }
  return Readable.from(text());
}

export interface ErasureReport extends UserErasure {
  /** State snapshots deleted because they held the user (a fresh one without them replaces them). */
  stateSnapshots: number;
  /** Batch model snapshots deleted: they hold every user's factors; `foryou train` refits without the user. */
  batchSnapshots: number;
  /** Media files of the user's uploads deleted (videos and thumbnails). */
  mediaFiles: number;
}

export async function eraseUser(service: ForyouService, id: string, actor: string, now = Date.now()): Promise<ErasureReport> {
  // Before anything is read: an upload that finishes while the erasure runs must find itself refused.
  service.erasures.erasing(id);
  if (!(await isKnown(service, id))) throw new NotFoundError(`unknown user "${id}"`);
  const { store, state } = service;
  // The pseudonym is taken before the id is forgotten; it is a keyed hash, not the id.
  const subject = await service.audit.pseudonym(id);
  const uploads = (await store.videosOfCreator(id)).map((video) => video.id);
  // Whatever of the user the log still has to apply is applied first: nothing of theirs may arrive after the erasure.
  await service.applier.idle();
  const erased = await store.eraseUser(id);
  state.eraseUser(id);
  // After the rows: a file is never left referenced by a stored video. Demo clips are shared, so never deleted here.
  let mediaFiles = 0;
  for (const video of uploads) mediaFiles += (await service.media?.removeUpload(video)) ?? 0;
  // A fresh state snapshot without the user; it deletes every older one, which held the user. (Should it fail, the
  // store's erasure count already keeps any older one from being restored.)
  let stateSnapshots = (await service.snapshotState({ force: true, keep: 0 }))?.pruned ?? 0;
  // Ranker snapshots in the store, from versions that kept them there, held the user's vectors too.
  stateSnapshots += await store.deleteModelSnapshots(RANKER_SNAPSHOT_NAME);
  stateSnapshots += await store.deleteModelSnapshots(VIDEO_VECTOR_SNAPSHOT_NAME);
  let batchSnapshots = 0;
  // Batch models hold every user's factors.
  const batchNames = new Set((await store.listModelSnapshots()).map((s) => s.name));
  for (const name of batchNames) batchSnapshots += await store.deleteModelSnapshots(name);
  // The model in memory keeps serving (it no longer folds the user in); the next fit leaves the user out.
  // Also when none was stored: a fit running now read the user's events, and must not be kept.
  service.retrainer?.markStale();
  const report: ErasureReport = { ...erased, stateSnapshots, batchSnapshots, mediaFiles };
  await service.audit.append('user.erased', actor, { ...report }, subject, now);
  return report;
}
