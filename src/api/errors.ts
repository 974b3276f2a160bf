/**
 * Every refused request gets a 4xx with a JSON body: `{ error, problems: [{ index?, field, message }] }`, where
 * `index` is the position of the bad item in a batch. Unexpected failures get a 500 without internals.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { InputError, NotFoundError } from '../core/errors.js';
import { problemsFromIssues, type IssueLike } from '../core/validation.js';

/** Fastify hands zod issues over flattened (code → keyword, path → instancePath); this restores them. */
function issuesFromValidation(
  validation: ReadonlyArray<{ keyword?: string; instancePath?: string; message?: string; params?: unknown }>,
): IssueLike[] {
  return validation.map((entry) => ({
    ...(entry.params as object),
    code: entry.keyword,
    path: (entry.instancePath ?? '').split('/').filter(Boolean),
    message: entry.message,
  }));
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | InputError | NotFoundError, request, reply) => {
    if (error instanceof InputError) {
      return reply.code(error.statusCode).send({ error: error.message, problems: error.problems });
    }
    if (error instanceof NotFoundError) {
      return reply.code(404).send({ error: error.message, problems: [] });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = (error as FastifyError).validationContext;
      const problems = problemsFromIssues(issuesFromValidation(error.validation), undefined, context ?? 'body');
      return reply.code(400).send({ error: `invalid ${context ?? 'request'}`, problems });
    }
    const fastifyError = error as FastifyError;
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: fastifyError.message, problems: [{ field: 'body', message: fastifyError.message }] });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal error', problems: [] });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `no route ${request.method} ${request.url}`, problems: [] });
  });
}
