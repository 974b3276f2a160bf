/**
 * A start from a state snapshot: load the newest usable one, reconnect what a snapshot does not hold, then catch up
 * with the store — videos and users put after it, profile resets it has not applied, and the events and served items
 * after its position — so the state is what replaying the whole log would have made.
 */
import type { AlgorithmConfig } from '../core/algorithm.js';
import { batchModelRecord } from '../features/batch-model-loading.js';
import type { OnlineState } from '../features/online-state.js';
import { decodeBatchArtifact } from '../models/batch-artifact.js';
import type { Store } from '../store/store.js';
import { readLatestSnapshot, snapshotDirOf, stateShapingConfig, type LoadedSnapshot, type SnapshotManifest } from './state-snapshot.js';

export interface RestoreProgress {
  phase: 'restoring' | 'replaying';
  done: number;
  total: number;
}

export interface RestoreOptions {
  progress?: (progress: RestoreProgress) => void;
  /** Told which snapshots were passed over and why, and which one was restored. */
  log?: (line: string) => void;
  tidy?: () => void;
}

/** The state restored from the newest usable snapshot of the store at `location` and caught up; undefined if none. */
export async function restoreState(
  store: Store,
  location: string,
  algorithm: AlgorithmConfig,
  options: RestoreOptions = {},
): Promise<{ state: OnlineState; manifest: SnapshotManifest } | undefined> {
  const dir = snapshotDirOf(location);
  if (!dir) return undefined;
  const epoch = await store.erasureEpoch();
  const shaping = stateShapingConfig(algorithm);
  const reached = await store.logPosition();
  options.progress?.({ phase: 'restoring', done: 0, total: 1 });
  const loaded = await readLatestSnapshot(
    dir,
    (manifest) => {
      if (manifest.erasureEpoch !== epoch) return 'a user was erased after it was taken';
      if (manifest.stateConfig !== shaping) return 'the algorithm settings the state is built with changed since';
      return undefined;
    },
    (name, reason) => options.log?.(`snapshot ${name} not used: ${reason}`),
  );
  if (!loaded) return undefined;
  const { state, manifest } = loaded;
  reviveSnapshot(loaded);
  if (state.batch) {
    const record = manifest.batchModel && (await batchModelRecord(store, manifest.batchModel.name, manifest.batchModel.version));
    const artifact = record && decodeBatchArtifact(record.bytes);
    if (artifact) state.batch.artifact = artifact;
    else state.batch = undefined;
  }
  options.progress?.({ phase: 'restoring', done: 1, total: 1 });
  // A crash may have lost served items the snapshot holds (they are written behind): their positions stay used. (It
  // never holds an event the store lacks: an event is applied only once stored.)
  await store.raiseLogPosition(manifest.position);
  for (const { video, rev } of await store.videosChangedAfter(manifest.position.rev)) state.putVideo(video, rev);
  for (const { user, rev } of await store.usersChangedAfter(manifest.position.rev)) state.putUser(user, rev);
  const resets = new Map<string, number>();
  for (const [user, seq] of await store.profileResets()) {
    if ((state.users.get(user)?.resetSeq ?? seq) < seq) resets.set(user, seq);
  }
  const total = reached.seq - manifest.position.seq;
  await state.replayLog(store, manifest.position, resets, {
    ...(options.tidy ? { tidy: options.tidy } : {}),
    progress: (done) => options.progress?.({ phase: 'replaying', done, total }),
  });
  options.log?.(`restored ${loaded.path} (log position ${manifest.position.seq}) and replayed the log after it (${Math.max(0, total)} positions)`);
  return { state, manifest };
}

/**
 * Reconnects what a snapshot does not hold but the batch model's arrays (which come from the store): the replication
 * hook, the vector index's native graph and the tower it reads. `state.algorithm` stays the snapshot's: it is read
 * only when a state is built, and the settings that shape the state were checked equal to the current ones
 * (stateShapingConfig) before the snapshot was chosen.
 */
export function reviveSnapshot(loaded: LoadedSnapshot): void {
  const { state } = loaded;
  state.onChange = undefined;
  const learner = state.learner;
  if (state.videoVectors && learner && loaded.annPath) state.videoVectors.revive(() => learner.retrieval, loaded.annPath);
}
