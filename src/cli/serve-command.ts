import { InvalidArgumentError, type Command } from 'commander';
import { buildServer } from '../api/server.js';
import { parseRateLimits, RATE_LIMIT_CLASSES, type RateLimits } from '../api/rate-limits.js';
import { ApiKeys } from '../auth/api-keys.js';
import { DEMO_USER, ensureDemoCatalogue } from '../service/demo.js';
import { ensureDemoMedia } from '../service/demo-media.js';
import { issueDemoKeys } from '../service/demo-keys.js';
import { auditKeyChanges } from '../service/key-audit.js';
import { defaultFeedWorkers } from '../service/feed-workers.js';
import { defaultMediaDir, ForyouService } from '../service/foryou-service.js';
import { nonNegativeInteger, port as parsePort, positiveInteger } from './option-parsers.js';

interface ServeOptions {
  port?: string;
  host: string;
  db: string;
  demo?: boolean;
  log?: boolean;
  rateLimit?: RateLimits;
  feedWorkers: number;
  maxUploadMb: number;
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
    .action(async (options: ServeOptions) => {
      let port: number;
      try {
        port = parsePort(options.port ?? process.env.PORT ?? '8080');
      } catch (error) {
        throw new Error(`--port ${(error as Error).message}, got "${options.port ?? process.env.PORT}"`);
      }
      if (options.demo) {
        await ensureDemoCatalogue(options.db, (line) => console.error(line));
        await ensureDemoMedia(options.db, defaultMediaDir(options.db), (line) => console.error(line));
      }
      const service = await ForyouService.open(options.db, { feedWorkers: options.feedWorkers });
      const staticKeys = { admin: process.env.FORYOU_ADMIN_KEY, service: process.env.FORYOU_SERVICE_KEY };
      const keys = new ApiKeys(service.store, { staticKeys, onChange: auditKeyChanges(service.audit, 'foryou serve --demo') });
      const demoKeys = options.demo ? await issueDemoKeys(service.store, keys) : undefined;
      if (!staticKeys.admin && !staticKeys.service && !(await service.store.listApiKeys()).some((k) => k.revokedAt === null)) {
        console.error('foryou: no API keys yet: only public routes will answer; create one with `foryou keys create`');
      }
      const app = await buildServer(service, {
        logger: options.log ?? false,
        demoUser: options.demo ? DEMO_USER : undefined,
        demoUserKey: demoKeys?.user,
        keys,
        rateLimits: options.rateLimit,
        maxUploadBytes: options.maxUploadMb * 1024 * 1024,
      });
      const shutdown = async () => {
        await app.close();
        await service.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      const address = await app.listen({ port, host: options.host });
      console.log(`foryou serving ${address} (store ${options.db}; ${service.feedWorkers} feed workers; API docs at ${address}/docs)`);
      if (demoKeys) {
        console.log(`demo keys (new at every start; the previous ones are revoked; send as "Authorization: Bearer KEY"):`);
        console.log(`  user "${DEMO_USER}" (the web app uses it): ${demoKeys.user}`);
        console.log(`  service: ${demoKeys.service}`);
      }
    });
}
