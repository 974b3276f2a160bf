/**
 * What `foryou serve` starts behind its boot server (api/boot-server.ts): the demo catalogue, the service, the keys
 * and the HTTP app, ready to take the boot server's requests. serve-command.ts imports this module once the port is
 * open: it and the modules it loads take a few hundred milliseconds to load.
 */
import type { FastifyInstance } from 'fastify';
import type { BootServer } from '../api/boot-server.js';
import { buildServer } from '../api/server.js';
import type { RateLimits } from '../api/rate-limits.js';
import { ApiKeys } from '../auth/api-keys.js';
import type { RetrainOptions } from '../service/batch-retrainer.js';
import { DEMO_USER, ensureDemoCatalogue } from '../service/demo.js';
import { ensureDemoMedia } from '../service/demo-media.js';
import { issueDemoKeys, type DemoKeys } from '../service/demo-keys.js';
import { defaultMediaDir, ForyouService, type StartProgress } from '../service/foryou-service.js';
import { auditKeyChanges } from '../service/key-audit.js';

export interface AppOptions {
  db: string;
  demo: boolean;
  /** Log every request (JSON lines on stdout). */
  log: boolean;
  rateLimits: RateLimits | undefined;
  feedWorkers: number;
  maxUploadBytes: number;
  retrain: RetrainOptions | undefined;
}

export interface StartedApp {
  service: ForyouService;
  /** Ready: the boot server's `handOver()` gives it every request. */
  app: FastifyInstance;
  /** Demo mode only: the user the web app opens as, and the demo keys issued at this start. */
  demo: { user: string; keys: DemoKeys } | undefined;
}

export async function startApp(options: AppOptions, boot: BootServer, onProgress: (progress: StartProgress) => void): Promise<StartedApp> {
  const log = (line: string) => console.error(`foryou: ${line}`);
  if (options.demo) {
    onProgress({ phase: 'demo catalogue', done: 0, total: 0 });
    await ensureDemoCatalogue(options.db, (line) => console.error(line));
    await ensureDemoMedia(options.db, defaultMediaDir(options.db), (line) => console.error(line));
  }
  onProgress({ phase: 'opening', done: 0, total: 0 });
  const service = await ForyouService.open(options.db, { feedWorkers: options.feedWorkers, retrain: options.retrain, log, onProgress });
  onProgress({ phase: 'starting the HTTP app', done: 0, total: 0 });
  const staticKeys = { admin: process.env.FORYOU_ADMIN_KEY, service: process.env.FORYOU_SERVICE_KEY };
  const keys = new ApiKeys(service.store, { staticKeys, onChange: auditKeyChanges(service.audit, 'foryou serve --demo') });
  const demoKeys = options.demo ? await issueDemoKeys(service.store, keys) : undefined;
  if (!staticKeys.admin && !staticKeys.service && !(await service.store.listApiKeys()).some((k) => k.revokedAt === null)) {
    log('no API keys yet: only public routes will answer; create one with `foryou keys create`');
  }
  const app = await buildServer(service, {
    logger: options.log,
    demoUser: options.demo ? DEMO_USER : undefined,
    demoUserKey: demoKeys?.user,
    keys,
    rateLimits: options.rateLimits,
    maxUploadBytes: options.maxUploadBytes,
    server: boot,
  });
  await app.ready();
  return { service, app, demo: demoKeys && { user: DEMO_USER, keys: demoKeys } };
}
