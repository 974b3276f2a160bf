import { setFlagsFromString } from 'node:v8';
import { InvalidArgumentError, type Command } from 'commander';
import { BootServer } from '../api/boot-server.js';
import { parseRateLimits, RATE_LIMIT_CLASSES, type RateLimits } from '../api/rate-limits.js';
import { defaultFeedWorkers } from '../service/feed-workers.js';
import type { StartProgress } from '../service/foryou-service.js';
import { nonNegativeInteger, port as parsePort, positiveInteger } from './option-parsers.js';
import { isModelName, MODEL_NAMES } from '../models/registry.js';
import { DEFAULT_RETRAIN, type RetrainOptions } from '../service/batch-retrainer.js';

/** How often, at most, a starting server logs its progress; a start shorter than this logs none. */
const PROGRESS_LOG_EVERY_MS = 2_000;

interface ServeOptions {
  port?: string;
  host: string;
  db: string;
  demo?: boolean;
  log?: boolean;
  rateLimit?: RateLimits;
  feedWorkers: number;
  maxUploadMb: number;
  heapGrowth: number;
  retrain: boolean;
  retrainModel: string;
  retrainEveryMin: number;
  retrainAfterEvents: number;
  batchMaxItems: number;
}

/**
 * V8 grows a heap by up to 2× after a collection, and the rebuild's churn (millions of event rows replayed) leaves
 * each replica with two to three times its live heap committed for good: at 200k videos and 3M events, 1.7 GB
 * resident for 0.35 GB live. Growing by `percent` instead keeps it near the live size (0.89 GB) with no slower
 * rebuild or serving measured; unlike a heap cap, it cannot run a replica out of memory. Process-wide, so the
 * feed workers' heaps follow it too.
 */
function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Logs the start's progress to stderr at most every PROGRESS_LOG_EVERY_MS. */
function progressLog(): (progress: StartProgress) => void {
  let last = performance.now();
  return ({ phase, done, total }) => {
    const now = performance.now();
    if (now - last < PROGRESS_LOG_EVERY_MS) return;
    last = now;
    console.error(`foryou: starting: ${phase} ${done}/${total}`);
  };
}

function retrainModelOption(text: string): string {
  if (text !== 'auto' && !isModelName(text)) throw new InvalidArgumentError(`one of auto, ${MODEL_NAMES.join(', ')}`);
  return text;
}

function rateLimitsOption(text: string): RateLimits {
  try {
    return parseRateLimits(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API and the web app (keys: `foryou keys`, $FORYOU_ADMIN_KEY, $FORYOU_SERVICE_KEY)')
    .option('--port <port>', 'port to listen on (default: $PORT or 8080)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--db <file>', 'SQLite file of the embedded store', 'data/foryou.db')
    .option('--demo', 'create a demo catalogue on first start; the web app opens as the demo user')
    .option('--log', 'log every request (JSON lines on stdout)')
    .option(
      '--rate-limit <limits>',
      `requests per minute per key (per address without a key), e.g. service=100000,user=1200; classes: ${RATE_LIMIT_CLASSES.join(', ')}`,
      rateLimitsOption,
    )
    .option(
      '--feed-workers <n>',
      'worker threads serving feeds, each with a replica of the online state; 0 serves on the main thread',
      nonNegativeInteger,
      defaultFeedWorkers(),
    )
    .option('--max-upload-mb <n>', 'the largest video file an upload may carry, in MiB', positiveInteger, 200)
    .option(
      '--heap-growth <percent>',
      "how much a heap may grow after a garbage collection, in %; 0 leaves V8's default (faster to grow, up to 2-3x the memory)",
      nonNegativeInteger,
      20,
    )
    .option('--no-retrain', 'never refit the batch model in the background (only `foryou train` does)')
    .option('--retrain-model <name>', `the batch model the background refit fits: auto, ${MODEL_NAMES.join(', ')}`, retrainModelOption, DEFAULT_RETRAIN.model)
    .option('--retrain-every-min <minutes>', 'refit at least this often while new events arrive (0: not on a schedule)', nonNegativeInteger, DEFAULT_RETRAIN.everyMs / 60_000)
    .option('--retrain-after-events <n>', 'refit once this many events arrived since the last fit (0: not for that)', nonNegativeInteger, DEFAULT_RETRAIN.afterEvents)
    .option('--batch-max-items <n>', 'the most engaged videos a refit model keeps (it scores them all per request)', positiveInteger, DEFAULT_RETRAIN.maxItems)
    .action(async (options: ServeOptions) => {
      limitHeapGrowth(options.heapGrowth);
      let port: number;
      try {
        port = parsePort(options.port ?? process.env.PORT ?? '8080');
      } catch (error) {
        throw new Error(`--port ${(error as Error).message}, got "${options.port ?? process.env.PORT}"`);
      }
      // The port opens first, before the modules of the service and the server load: an orchestrator's probes get
      // an answer (/livez 200, /readyz 503 with progress) while the state is rebuilt, seconds to many minutes.
      const boot = await BootServer.listen(port, options.host);
      console.error(`foryou: listening on ${boot.url} while starting (/livez: 200; /readyz: 503 until ready)`);
      // A signal while starting ends the process at once: every write so far is a committed transaction (one cut
      // short rolls back), and the state being rebuilt in memory is rebuilt at the next start anyway.
      let stop = async () => {
        console.error('foryou: stopped while starting');
      };
      const shutdown = () => void stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      const retrain: RetrainOptions | undefined = options.retrain
        ? {
            model: options.retrainModel as RetrainOptions['model'],
            everyMs: options.retrainEveryMin * 60_000,
            afterEvents: options.retrainAfterEvents,
            maxItems: options.batchMaxItems,
          }
        : undefined;
      const log = progressLog();
      const { startApp } = await import('./serve-app.js');
      const { service, app, demo } = await startApp(
        {
          db: options.db,
          demo: options.demo ?? false,
          log: options.log ?? false,
          rateLimits: options.rateLimit,
          feedWorkers: options.feedWorkers,
          maxUploadBytes: options.maxUploadMb * 1024 * 1024,
          retrain,
        },
        boot,
        (progress) => {
          boot.report(progress);
          log(progress);
        },
      );
      stop = async () => {
        await app.close();
        await service.close();
      };
      boot.handOver();
      // A store with events and no batch model gets its first fit now, in the background.
      void service.retrainer?.checkNow();
      const address = boot.url;
      console.log(`foryou serving ${address} (store ${options.db}; ${service.feedWorkers} feed workers; API docs at ${address}/docs)`);
      if (demo) {
        console.log(`demo keys (new at every start; the previous ones are revoked; send as "Authorization: Bearer KEY"):`);
        console.log(`  user "${demo.user}" (the web app uses it): ${demo.keys.user}`);
        console.log(`  service: ${demo.keys.service}`);
      }
    });
}
