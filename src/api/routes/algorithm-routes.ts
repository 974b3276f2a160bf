/** The algorithm in the open: the active version in plain language, every earlier version, and changes. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeAlgorithm } from '../../core/algorithm.js';
import { ACCESS } from '../access.js';
import { NotFoundError } from '../../core/errors.js';
import {
  AlgorithmChangeSchema,
  APPLIED_AT_RESTART,
  changedSections,
  parseStoredConfig,
  type AlgorithmVersion,
} from '../../service/algorithm-versions.js';
import type { ForyouService } from '../../service/foryou-service.js';

function published(version: AlgorithmVersion, active: number) {
  return {
    version: version.version,
    active: version.version === active,
    createdAt: version.createdAt,
    author: version.author,
    note: version.note,
    description: describeAlgorithm(version.config),
    config: version.config,
  };
}

export function registerAlgorithmRoutes(app: FastifyInstance, service: ForyouService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v1/algorithm',
    {
      schema: { tags: ['algorithm'], summary: 'The active algorithm version: its parameters in plain language and in full' },
      config: { access: ACCESS.algorithmReader },
    },
    async () => published(service.algorithm, service.algorithm.version),
  );

  api.get(
    '/v1/algorithm/versions',
    { schema: { tags: ['algorithm'], summary: 'Every algorithm version, oldest first' }, config: { access: ACCESS.algorithmReader } },
    async () => ({
      active: service.algorithm.version,
      versions: (await service.store.listAlgorithmVersions()).map(({ config: _config, ...rest }) => rest),
    }),
  );

  api.get(
    '/v1/algorithm/versions/:version',
    {
      schema: {
        tags: ['algorithm'],
        summary: 'One algorithm version in full',
        params: z.strictObject({ version: z.coerce.number().int().min(1) }),
      },
      config: { access: ACCESS.algorithmReader },
    },
    async (request) => {
      const record = await service.store.algorithmVersion(request.params.version);
      if (!record) throw new NotFoundError(`no algorithm version ${request.params.version}`);
      return published({ ...record, config: parseStoredConfig(record) }, service.algorithm.version);
    },
  );

  api.post(
    '/v1/algorithm/versions',
    {
      schema: {
        tags: ['algorithm'],
        summary: 'Publish a new algorithm version (replacing whole sections); it becomes active at once',
        body: AlgorithmChangeSchema,
      },
      config: { access: ACCESS.admin },
    },
    async (request, reply) => {
      const before = service.algorithm;
      const after = await service.changeAlgorithm(request.body);
      const changed = changedSections(before.config, after.config);
      return reply.code(201).send({
        ...published(after, after.version),
        changed,
        appliesAtRestart: changed.filter((section) => APPLIED_AT_RESTART.includes(section)),
      });
    },
  );
}
