import type { Command } from 'commander';
import { join } from 'node:path';
import { runBench, writeResult } from '../bench/run-bench.js';
import { defaultFeedWorkers } from '../service/feed-workers.js';
import { nonNegativeInteger, positiveInteger } from './option-parsers.js';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('build a simulated world, import and serve it, and measure ingestion, feed latency and freshness')
    .option('--json', 'print the result as one JSON object on the last stdout line')
    .option('--videos <n>', 'videos in the world', positiveInteger, 100000)
    .option('--users <n>', 'users in the world', positiveInteger, 10000)
    .option('--events <n>', 'events imported before serving', nonNegativeInteger, 1000000)
    .option('--http-events <n>', 'events sent over HTTP', positiveInteger, 200000)
    .option('--feed-requests <n>', 'feed requests per measurement', positiveInteger, 3000)
    .option('--freshness-trials <n>', 'follow → feed trials', positiveInteger, 300)
    .option('--quality-users <n>', 'users whose first two pages are scored by the simulated truth', positiveInteger, 500)
    .option('--feed-workers <n>', 'feed worker threads of the server (default: one per core)', nonNegativeInteger, defaultFeedWorkers())
    .option('--work-dir <dir>', 'scratch directory (removed first)', join('bench', '.work'))
    .option('--out <dir>', 'where results are written', join('bench', 'results'))
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const result = await runBench({
        videos: Number(options.videos),
        users: Number(options.users),
        events: Number(options.events),
        httpEvents: Number(options.httpEvents),
        batchSize: 1000,
        feedRequests: Number(options.feedRequests),
        freshnessTrials: Number(options.freshnessTrials),
        qualityUsers: Number(options.qualityUsers),
        feedWorkers: Number(options.feedWorkers),
        workDir: String(options.workDir),
        seed: 7,
        log: (line) => console.error(`bench: ${line}`),
      });
      const file = writeResult(result, String(options.out));
      console.error(`bench: written to ${file}`);
      if (options.json) console.log(JSON.stringify(result));
      else console.log(JSON.stringify(result, null, 2));
    });
}
