import { Option, type Command } from 'commander';
import { createWorld, DEFAULT_WORLD_OPTIONS } from '../sim/world.js';
import { writeWorldFiles, type WorldFileFormat, type WorldFiles } from '../sim/write-files.js';
import { epochMs, nonNegativeInteger, positiveInteger } from './option-parsers.js';
import { startProgressBar } from './progress-bar.js';

interface SimulateOptions {
  out: string;
  users: number;
  videos: number;
  events: number;
  seed: number;
  format: WorldFileFormat;
  now?: number;
}

export const DEFAULT_SIMULATED_EVENTS = 1_000_000;

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'write a synthetic world (videos, users, events) with hidden ground truth as files that `foryou import` reads',
    )
    .requiredOption('--out <dir>', 'directory to write videos, users and events files into')
    .option('--users <n>', 'number of users', positiveInteger, DEFAULT_WORLD_OPTIONS.users)
    .option('--videos <n>', 'number of videos', positiveInteger, DEFAULT_WORLD_OPTIONS.videos)
    .option('--events <n>', 'number of events', nonNegativeInteger, DEFAULT_SIMULATED_EVENTS)
    .option('--seed <n>', 'seed: the same seed (and --now) gives the same files', nonNegativeInteger, DEFAULT_WORLD_OPTIONS.seed)
    .option('--now <ms>', "the world's present in ms since the epoch (default: now); all times lie before it", epochMs)
    .addOption(new Option('--format <format>', 'file format').choices(['jsonl', 'csv']).default('jsonl'))
    .action(async (options: SimulateOptions) => {
      const started = performance.now();
      const world = createWorld({ users: options.users, videos: options.videos, seed: options.seed, now: options.now });
      const progress = startProgressBar(options.events, 'simulate');
      let files: WorldFiles;
      try {
        files = await writeWorldFiles(world, options.out, {
          events: options.events,
          format: options.format,
          onProgress: (written) => progress.update(written),
        });
      } finally {
        progress.stop();
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `wrote ${files.counts.users} users, ${files.counts.videos} videos and ${files.counts.events} events ` +
          `to ${options.out} (${options.format}, seed ${world.seed}, now ${world.now}) in ${seconds.toFixed(1)} s`,
      );
    });
}
