/**
 * The only request body type the API takes: JSON in strict UTF-8. Invalid UTF-8 is refused rather than silently
 * replaced with U+FFFD, so an id never changes on its way into the store.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { InputError } from '../core/errors.js';

export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(new InputError('request body is not valid UTF-8', [{ field: 'body', message: 'not valid UTF-8' }]));
      return;
    }
    try {
      done(null, JSON.parse(bytes.toString('utf8')));
    } catch (error) {
      const message = error instanceof Error ? error.message : 'malformed JSON';
      done(new InputError('request body is not valid JSON', [{ field: 'body', message }]));
    }
  });
}
