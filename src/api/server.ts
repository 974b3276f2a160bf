/** Builds the HTTP server: JSON-only bodies, zod route schemas (validation, types and the OpenAPI document). */
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { ApiKeys } from '../auth/api-keys.js';
import type { ForyouService } from '../service/foryou-service.js';
import { registerAccessControl, SECURITY_SCHEME } from './access.js';
import type { BootServer } from './boot-server.js';
import { registerErrorHandler } from './errors.js';
import { registerJsonBody } from './json-body.js';
import { requestLogFields } from './request-log.js';
import { DEFAULT_RATE_LIMITS, registerRateLimits, type RateLimits } from './rate-limits.js';
import { registerRequestBudget } from './request-budget.js';
import { registerAlgorithmRoutes } from './routes/algorithm-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerCatalogRoutes } from './routes/catalog-routes.js';
import { registerEventRoutes } from './routes/event-routes.js';
import { registerFeedRoutes } from './routes/feed-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerMediaRoutes } from './routes/media-routes.js';
import { registerOperationsRoutes } from './routes/operations-routes.js';
import { registerTransparencyRoutes } from './routes/transparency-routes.js';
import { DEFAULT_MAX_UPLOAD_BYTES, registerUploadRoutes } from './routes/upload-routes.js';
import { registerUserControlRoutes } from './routes/user-control-routes.js';
import { registerUserDataRoutes } from './routes/user-data-routes.js';
import { registerWebApp } from './routes/web-routes.js';
import type { VideoSignalLimits } from './video-signal-budget.js';

/** Enough for a full batch of 10,000 events with long ids; larger bodies get a 413 before parsing. */
export const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** From the first byte of a request to the last of its body. */
export const REQUEST_TIMEOUT_MS = 120_000;

export interface ServerOptions {
  logger?: boolean;
  /** The user the web app opens as. */
  demoUser?: string | undefined;
  /** A key of the demo user, handed to the web app (demo mode only: anyone who can load the page can use it). */
  demoUserKey?: string | undefined;
  /** The keys that may call the API; default: the keys in the store, nothing else. */
  keys?: ApiKeys;
  /** Requests per minute by caller class; classes not given keep their default. */
  rateLimits?: Partial<RateLimits>;
  /** The largest video file an upload may carry, in bytes (default 200 MiB). */
  maxUploadBytes?: number;
  /** What all user keys together may send about one video a minute; kinds not given keep their default. */
  videoSignalLimits?: Partial<VideoSignalLimits>;
  /**
   * The server to answer on, listening already (`foryou serve`'s boot server): fastify creates none and never
   * listens; after `await app.ready()`, `server.handOver()` gives it the requests. Default: fastify's own server,
   * for `app.listen` or `app.inject`.
   */
  server?: BootServer;
}

export async function buildServer(service: ForyouService, options: ServerOptions = {}): Promise<FastifyInstance> {
  // Ids are up to 128 characters, percent-encoded up to 3 bytes each: the path parameter must fit them.
  const app = Fastify({
    logger: options.logger ? { serializers: { req: requestLogFields } } : false,
    bodyLimit: BODY_LIMIT_BYTES,
    // A body dripped a byte at a time held its connection and parser state for good; a whole request (an upload of
    // the largest video included, on a slow phone line) gets two minutes.
    requestTimeout: REQUEST_TIMEOUT_MS,
    routerOptions: { maxParamLength: 1024 },
    serverFactory: options.server?.serverFactory,
    // A path that is not valid percent-encoding never reaches a route: answer it in the API's own error shape.
    frameworkErrors: (error, _request, reply) => {
      (reply as FastifyReply).code(400).send({ error: 'invalid URL', problems: [{ field: 'url', message: error.message }] });
    },
  });
  const given = options.server;
  // fastify closes only a server it listened on itself; `app.close()` must close a given one too.
  if (given) app.addHook('onClose', () => given.close());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerJsonBody(app);
  registerErrorHandler(app);
  // Before every route, the docs included: a route registered earlier would escape the access check.
  registerAccessControl(app, options.keys ?? new ApiKeys(service.store));
  await registerRateLimits(app, { ...DEFAULT_RATE_LIMITS, ...options.rateLimits });
  registerRequestBudget(app);
  // nosniff, frame and referrer rules and the rest on every answer; the web app's pages add their CSP (web-routes.ts).
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: false,
    // Media files and thumbnails are embedded by operators' apps on other origins.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // TLS is terminated in front of the server (or not at all, on a LAN): HSTS is the proxy's to send.
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'foryou',
        description: 'An independent, auditable For-You feed engine for short-video apps',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          [SECURITY_SCHEME]: { type: 'http', scheme: 'bearer', description: 'a key from `foryou keys create`, or $FORYOU_SERVICE_KEY / $FORYOU_ADMIN_KEY' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  registerHealthRoutes(app, service);
  registerCatalogRoutes(app, service);
  registerEventRoutes(app, service, options.videoSignalLimits);
  registerFeedRoutes(app, service);
  registerAlgorithmRoutes(app, service);
  registerAuditRoutes(app, service);
  registerOperationsRoutes(app, service);
  registerTransparencyRoutes(app, service);
  registerUserDataRoutes(app, service);
  registerUserControlRoutes(app, service);
  await registerUploadRoutes(app, service, options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES);
  await registerMediaRoutes(app, service.media);
  await registerWebApp(app, options.demoUser, options.demoUserKey);
  return app;
}
