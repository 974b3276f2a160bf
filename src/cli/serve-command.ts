import type { Command } from 'commander';
import { buildServer } from '../api/server.js';
import { DEMO_USER, ensureDemoCatalogue } from '../service/demo.js';
import { defaultFeedWorkers } from '../service/feed-workers.js';
import { ForyouService } from '../service/foryou-service.js';
import { nonNegativeInteger, port as parsePort } from './option-parsers.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API and the web app')
    .option('--port <port>', 'port to listen on (default: $PORT or 8080)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--db <file>', 'SQLite file of the embedded store', 'data/foryou.db')
    .option('--demo', 'create a demo catalogue on first start; the web app opens as the demo user')
    .option('--log', 'log every request (JSON lines on stdout)')
    .option(
      '--feed-workers <n>',
      'worker threads serving feeds, each with a replica of the online state; 0 serves on the main thread',
      nonNegativeInteger,
      defaultFeedWorkers(),
    )
    .action(async (options: { port?: string; host: string; db: string; demo?: boolean; log?: boolean; feedWorkers: number }) => {
      let port: number;
      try {
        port = parsePort(options.port ?? process.env.PORT ?? '8080');
      } catch (error) {
        throw new Error(`--port ${(error as Error).message}, got "${options.port ?? process.env.PORT}"`);
      }
      if (options.demo) await ensureDemoCatalogue(options.db, (line) => console.error(line));
      const service = await ForyouService.open(options.db, { feedWorkers: options.feedWorkers });
      const app = await buildServer(service, { logger: options.log ?? false, demoUser: options.demo ? DEMO_USER : undefined });
      const shutdown = async () => {
        await app.close();
        await service.close();
        process.exit(0);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      const address = await app.listen({ port, host: options.host });
      console.log(`foryou serving ${address} (store ${options.db}; ${service.feedWorkers} feed workers; API docs at ${address}/docs)`);
    });
}
