/**
 * Serves the web app (web/, built by Vite into dist/web): its page at `/` and at each of the app's own paths, so a
 * shared link opens the app there, and its fingerprinted assets under /assets/. The app talks to the server only
 * through the public HTTP API; in demo mode the page carries the demo user and a key of theirs.
 */
import fastifyStatic from '@fastify/static';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../access.js';

/** The same from src/api/routes (tests) and dist/api/routes (the built server): the package's dist/web. */
const WEB_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/**
 * The page's Content-Security-Policy: its own scripts only (the config block is JSON, not script), no framing, and
 * media and images from this server or an operator's CDN (a video's mediaUrl may be any http(s) URL).
 */
const WEB_APP_CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:', 'https:', 'http:'],
    mediaSrc: ["'self'", 'blob:', 'https:', 'http:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** The app's client-side routes (web/src/router.tsx): the server answers each with the page. */
export const WEB_APP_PATHS = ['/', '/following', '/upload', '/settings', '/creator/:creator'] as const;

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>foryou</title>
<p>The web app is not built: run <code>npm run build</code> (or <code>npm install</code>), then restart
<code>foryou serve</code>. The HTTP API is documented at <a href="/docs">/docs</a>.</p></html>`;

/** A value as JSON that cannot close the page's script element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The built page with the session it opens as: the demo user and key in demo mode, else none (the visitor signs in). */
export function webAppPage(demoUser: string | undefined, demoKey: string | undefined, root = WEB_ROOT): string {
  const index = `${root}index.html`;
  if (!existsSync(index)) return NOT_BUILT_PAGE;
  const config = { user: demoUser ?? null, key: demoKey ?? null };
  return readFileSync(index, 'utf8').replace('__FORYOU_CONFIG__', () => scriptJson(config));
}

/** `demoKey` (demo mode only) lets the page call the API as the demo user; otherwise the visitor pastes a key. */
export async function registerWebApp(app: FastifyInstance, demoUser: string | undefined, demoKey?: string): Promise<void> {
  const page = webAppPage(demoUser, demoKey);
  for (const path of WEB_APP_PATHS) {
    app.get(path, { schema: { hide: true }, config: { access: PUBLIC }, helmet: { contentSecurityPolicy: WEB_APP_CSP } }, async (_request, reply) => {
      // Never cached: it names the current assets (and, in demo mode, the current key).
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
    });
  }
  // In a scope of its own: the plugin decorates the reply, which the media routes may do for their own root.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: `${WEB_ROOT}assets`, serve: false, immutable: true, maxAge: '365d' });
    scope.get<{ Params: { '*': string } }>(
      '/assets/*',
      { schema: { hide: true }, config: { access: PUBLIC } },
      // File names carry their content hash: cached for good. `sendFile` keeps the path inside the root.
      async (request, reply) => reply.sendFile(request.params['*']),
    );
  });
}
