/** Builds the HTTP server: JSON-only bodies, zod route schemas (validation, types and the OpenAPI document). */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ForyouService } from '../service/foryou-service.js';
import { registerErrorHandler } from './errors.js';
import { registerJsonBody } from './json-body.js';
import { registerAlgorithmRoutes } from './routes/algorithm-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerCatalogRoutes } from './routes/catalog-routes.js';
import { registerEventRoutes } from './routes/event-routes.js';
import { registerFeedRoutes } from './routes/feed-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerTransparencyRoutes } from './routes/transparency-routes.js';
import { registerUserDataRoutes } from './routes/user-data-routes.js';
import { registerWebApp } from './routes/web-routes.js';

/** Enough for a full batch of 10,000 events with long ids; larger bodies get a 413 before parsing. */
export const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

export interface ServerOptions {
  logger?: boolean;
  /** The user the web app opens as. */
  demoUser?: string | undefined;
}

export async function buildServer(service: ForyouService, options: ServerOptions = {}): Promise<FastifyInstance> {
  // Ids are up to 128 characters, percent-encoded up to 3 bytes each: the path parameter must fit them.
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 1024 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerJsonBody(app);
  registerErrorHandler(app);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'foryou',
        description: 'An independent, auditable For-You feed engine for short-video apps',
        version: '0.1.0',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  registerHealthRoutes(app, service);
  registerCatalogRoutes(app, service);
  registerEventRoutes(app, service);
  registerFeedRoutes(app, service);
  registerAlgorithmRoutes(app, service);
  registerAuditRoutes(app, service);
  registerTransparencyRoutes(app, service);
  registerUserDataRoutes(app, service);
  registerWebApp(app, options.demoUser);
  return app;
}
