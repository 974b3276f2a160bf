import type { Command } from 'commander';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { DEFAULT_ENGAGEMENT, EngagementCollector } from '../models/engagement.js';
import { isModelName, MODEL_NAMES } from '../models/registry.js';
import { createModel } from '../models/registry.js';
import { encodeSnapshot } from '../models/snapshot.js';
import { stageProgress } from '../eval/progress.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description("fit a batch retrieval model on the store's positive engagement and save a versioned snapshot")
    .requiredOption('--db <file>', 'the SQLite store')
    .option('--model <name>', `one of ${MODEL_NAMES.join(', ')}`, 'best')
    .option('--min-watch-ratio <r>', 'a play counts when watchMs / durationMs reaches this', String(DEFAULT_ENGAGEMENT.minWatchRatio))
    .option('--json', 'print the result as one JSON object on stdout')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const name = String(options.model);
      if (!isModelName(name)) throw new Error(`--model must be one of ${MODEL_NAMES.join(', ')}, got "${name}"`);
      const minWatchRatio = Number(options.minWatchRatio);
      if (!(minWatchRatio >= 0)) throw new Error(`--min-watch-ratio must be a number ≥ 0, got "${String(options.minWatchRatio)}"`);
      const store = new SqliteStore(String(options.db));
      try {
        const durations = new Map<string, number>();
        for await (const videos of store.scanVideos()) for (const video of videos) durations.set(video.id, video.durationMs);
        const collector = new EngagementCollector({ ...DEFAULT_ENGAGEMENT, minWatchRatio });
        for await (const events of store.scanEvents()) {
          for (const event of events) collector.add(event, event.video === null ? undefined : durations.get(event.video));
        }
        const data = collector.build();
        if (data.userItems.length === 0) throw new Error('the store holds no positive engagement to train on');
        console.error(`train: ${collector.events} events → ${data.userItems.length} interactions of ${data.numUsers} users with ${data.numItems} videos`);
        const model = createModel(name);
        const progress = stageProgress();
        const started = performance.now();
        try {
          await model.fit(data, { onProgress: progress.update });
        } finally {
          progress.stop();
        }
        const trainSeconds = (performance.now() - started) / 1000;
        const bytes = encodeSnapshot(model.snapshot());
        const version = await store.saveModelSnapshot(name, bytes, {
          model: name,
          users: data.numUsers,
          items: data.numItems,
          interactions: data.userItems.length,
          events: collector.events,
          minWatchRatio,
          trainSeconds: Math.round(trainSeconds * 1000) / 1000,
          itemIds: collector.itemIds,
        });
        const result = { model: name, version, users: data.numUsers, items: data.numItems, interactions: data.userItems.length, bytes: bytes.byteLength, trainSeconds: Math.round(trainSeconds * 1000) / 1000 };
        console.log(options.json ? JSON.stringify(result) : `train: saved ${name} version ${version} (${(bytes.byteLength / 1_048_576).toFixed(1)} MB, ${trainSeconds.toFixed(1)} s)`);
      } finally {
        await store.close();
      }
    });
}
