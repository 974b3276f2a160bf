import type { Command } from 'commander';
import { join } from 'node:path';
import { runBench, writeResult } from '../bench/run-bench.js';
import { parseCount } from './options.js';

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('build a simulated world, import and serve it, and measure ingestion, feed latency and freshness')
    .option('--json', 'print the result as one JSON object on the last stdout line')
    .option('--videos <n>', 'videos in the world', '100000')
    .option('--users <n>', 'users in the world', '10000')
    .option('--events <n>', 'events imported before serving', '1000000')
    .option('--http-events <n>', 'events sent over HTTP', '200000')
    .option('--feed-requests <n>', 'feed requests per measurement', '3000')
    .option('--freshness-trials <n>', 'follow → feed trials', '300')
    .option('--work-dir <dir>', 'scratch directory (removed first)', join('bench', '.work'))
    .option('--out <dir>', 'where results are written', join('bench', 'results'))
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const result = await runBench({
        videos: parseCount('videos', String(options.videos)),
        users: parseCount('users', String(options.users)),
        events: parseCount('events', String(options.events)),
        httpEvents: parseCount('http-events', String(options.httpEvents)),
        batchSize: 1000,
        feedRequests: parseCount('feed-requests', String(options.feedRequests)),
        freshnessTrials: parseCount('freshness-trials', String(options.freshnessTrials)),
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
