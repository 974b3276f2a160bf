/**
 * Every route of the server, found by enumeration (not listed by hand), refuses callers without the right key: so a
 * route added later is checked here without anyone remembering to, and one without a declaration stops the server.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS, declaredRoutes, type DeclaredRoute } from '../../src/api/access.js';
import { buildServer } from '../../src/api/server.js';
import { ApiKeys, type StaffRole } from '../../src/auth/api-keys.js';
import { ForyouService } from '../../src/service/foryou-service.js';
import { startServer, TEST_ADMIN_KEY, TEST_SERVICE_KEY, type RunningServer } from '../helpers/running-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** The only routes anyone may call without a key. */
const PUBLIC_URLS = [
  /^\/(following|upload|settings|creator\/:creator)?$/, // the web app's page at its own paths
  /^\/assets\/\*$/,
  /^\/(healthz|livez|readyz)$/, // the probes
  /^\/docs(\/.*)?$/,
  /^\/v1\/transparency$/,
  /^\/media\/\*$/,
];
/** The only routes any user's key may call about anyone (reads a signed-in app makes about others). */
const ANY_KEY_URLS = [/^\/v1\/creators\/:id\/videos$/];

let server: RunningServer;
const staffKeys: Record<StaffRole, string> = { admin: TEST_ADMIN_KEY, service: TEST_SERVICE_KEY, auditor: '' };
let aliceKey: string;
let revokedServiceKey: string;

beforeAll(async () => {
  server = await startServer();
  const keys = new ApiKeys(server.service.store);
  staffKeys.auditor = (await keys.create('auditor')).key;
  aliceKey = (await keys.create('user', 'alice')).key;
  const revoked = await keys.create('service');
  await keys.revoke(revoked.record.id);
  revokedServiceKey = revoked.key;
});
afterAll(async () => server.dispose());

/** The route's URL with its path parameters filled: the one naming the user (if any) names `user`. */
function urlOf(route: DeclaredRoute, user: string): string {
  const own = 'public' in route.access ? undefined : route.access.ownUserParam;
  const path = route.url
    .replace(/:(\w+)/g, (_match, name: string) => encodeURIComponent(name === own ? user : '1'))
    .replace(/\*$/, 'x');
  return `${server.url}${path}`;
}

async function call(route: DeclaredRoute, user: string, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  return fetch(urlOf(route, user), { method: route.method, headers });
}

/** A refusal names the Authorization header as the field at fault (HEAD answers carry no body). */
async function expectRefusal(response: Response, status: number, route: DeclaredRoute): Promise<void> {
  expect({ route: `${route.method} ${route.url}`, status: response.status }).toEqual({ route: `${route.method} ${route.url}`, status });
  if (route.method === 'HEAD') return;
  const body = await response.json();
  expect(body.problems[0].field).toBe('authorization');
  expect(typeof body.error).toBe('string');
}

/** Every route (method, url) fastify itself reports, trailing slashes folded: the check on the enumeration. */
function routesFastifyReports(tree: string): Set<string> {
  const found = new Set<string>();
  const stack: Array<{ depth: number; path: string }> = [];
  for (const line of tree.split('\n')) {
    const match = /^([\s│├└─]*)(\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length;
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const parent = stack[stack.length - 1]?.path ?? '';
    const path = parent === '/' || parent === '' ? (parent + match[2]!).replace(/^\/\//, '/') : parent.replace(/\/$/, '') + (match[2]!.startsWith('/') ? '' : '/') + match[2]!;
    stack.push({ depth, path });
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) {
      found.add(`${method} ${path === '/' ? '/' : path.replace(/\/$/, '')}`);
    }
  }
  return found;
}

describe('access control over every route', () => {
  it('knows every route fastify serves, and only the documented ones are public', () => {
    const routes = declaredRoutes(server.app);
    const declared = new Set(routes.map((r) => `${r.method} ${r.url === '/' ? '/' : r.url.replace(/\/$/, '')}`));
    const reported = routesFastifyReports(server.app.printRoutes({ commonPrefix: false }));
    expect(reported.size).toBeGreaterThan(10);
    // The printed tree shows a wildcard route under its nearest split: `GET /docs/*` stands for `GET /docs/static/*`.
    const covered = (route: string) =>
      declared.has(route) || (route.endsWith('*') && [...declared].some((d) => d.endsWith('*') && d.startsWith(route.slice(0, -1))));
    expect([...reported].filter((route) => !covered(route))).toEqual([]);
    for (const route of routes.filter((r) => 'public' in r.access)) {
      expect(PUBLIC_URLS.some((pattern) => pattern.test(route.url)), `${route.method} ${route.url} is public`).toBe(true);
    }
    for (const route of routes.filter((r) => !('public' in r.access) && r.access.anyUser)) {
      expect(ANY_KEY_URLS.some((pattern) => pattern.test(route.url)), `${route.method} ${route.url} takes any key`).toBe(true);
    }
    // The routes this suite must reach, each with its declaration (a regression to public or staff-only shows here).
    const accessOf = (method: string, url: string) => routes.find((r) => r.method === method && r.url === url)?.access;
    expect(accessOf('GET', '/v1/creators/:id/videos')).toEqual(ACCESS.anyKey);
    for (const [method, url] of [['POST', '/v1/users/:id/videos'], ['POST', '/v1/users/:id/events'], ['PATCH', '/v1/users/:id/settings'], ['POST', '/v1/users/:id/reset']]) {
      expect(accessOf(method!, url!), `${method} ${url}`).toEqual(ACCESS.serviceOrSelf('id'));
    }
    expect(accessOf('GET', '/media/*')).toEqual({ public: true });
  });

  it('answers 401 to every non-public route without a valid key: none, malformed, unknown, revoked', async () => {
    const guarded = declaredRoutes(server.app).filter((r) => !('public' in r.access));
    expect(guarded.length).toBeGreaterThan(8);
    const unknown = `fy_0123456789ab_${'A'.repeat(43)}`;
    for (const route of guarded) {
      await expectRefusal(await call(route, 'alice'), 401, route);
      await expectRefusal(await call(route, 'alice', `Basic ${TEST_SERVICE_KEY}`), 401, route);
      await expectRefusal(await call(route, 'alice', `Bearer ${unknown}`), 401, route);
      await expectRefusal(await call(route, 'alice', `Bearer ${TEST_SERVICE_KEY}x`), 401, route);
      await expectRefusal(await call(route, 'alice', `Bearer ${revokedServiceKey}`), 401, route);
    }
  });

  it('answers 403 to every key of a role the route does not allow, and to another user\'s key', async () => {
    for (const route of declaredRoutes(server.app)) {
      if ('public' in route.access) continue;
      for (const role of Object.keys(staffKeys) as StaffRole[]) {
        if (!route.access.roles.includes(role)) await expectRefusal(await call(route, 'alice', `Bearer ${staffKeys[role]}`), 403, route);
      }
      // Alice's key on Bob's data, and on routes that take no user at all; routes open to any key let her in.
      if (route.access.anyUser) expect([401, 403]).not.toContain((await call(route, 'bob', `Bearer ${aliceKey}`)).status);
      else await expectRefusal(await call(route, 'bob', `Bearer ${aliceKey}`), 403, route);
    }
  });

  it('lets through exactly the roles each route declares, and a user to their own data', async () => {
    let ownUserRoutes = 0;
    for (const route of declaredRoutes(server.app)) {
      if ('public' in route.access) continue;
      for (const role of route.access.roles) {
        const response = await call(route, 'alice', `Bearer ${staffKeys[role]}`);
        // Past the access check: the route's own answer (200, or 400/404 for the empty request sent here).
        expect([401, 403, 429, 500]).not.toContain(response.status);
      }
      if (route.access.ownUserParam !== undefined) {
        ownUserRoutes++;
        // A fresh key: an erasure of alice above (DELETE /v1/users/:id as service) took her keys with her.
        const ownKey = (await new ApiKeys(server.service.store).create('user', 'alice')).key;
        expect([401, 403, 429, 500]).not.toContain((await call(route, 'alice', `Bearer ${ownKey}`)).status);
      }
    }
    expect(ownUserRoutes).toBeGreaterThanOrEqual(2);
  });

  it('applies a revocation made while the server runs to the very next request', async () => {
    const keys = new ApiKeys(server.service.store);
    const { key, record } = await keys.create('user', 'carol');
    const feed = () => fetch(`${server.url}/v1/feed/carol?n=3`, { headers: { authorization: `Bearer ${key}` } });
    expect((await feed()).status).toBe(200);
    await keys.revoke(record.id);
    const refused = await feed();
    expect(refused.status).toBe(401);
    expect((await refused.json()).problems[0].message).toMatch(/revoked/);
  });

  it('names the key in the audit log, and an erasure takes the user\'s keys with it', async () => {
    const keys = new ApiKeys(server.service.store);
    const { key, record } = await keys.create('user', 'dora');
    const asDora = { headers: { authorization: `Bearer ${key}` } };
    expect((await fetch(`${server.url}/v1/feed/dora?n=2`, asDora)).status).toBe(200);
    expect((await fetch(`${server.url}/v1/users/dora/export`, asDora)).status).toBe(200);
    const audit = await (await fetch(`${server.url}/v1/audit?limit=1000`, { headers: { authorization: `Bearer ${staffKeys.auditor}` } })).json();
    const exported = audit.entries.filter((entry: { kind: string }) => entry.kind === 'user.exported').at(-1);
    expect(exported.actor).toBe(`user key ${record.id}`);
    expect((await fetch(`${server.url}/v1/users/dora`, { method: 'DELETE', ...asDora })).status).toBe(200);
    expect(await server.service.store.apiKey(record.id)).toBeUndefined();
    expect((await fetch(`${server.url}/v1/feed/dora?n=2`, asDora)).status).toBe(401);
    expect(server.service.state.users.get('dora')).toBeUndefined();
  });

  it('serves public routes without a key', async () => {
    for (const probe of ['/healthz', '/livez', '/readyz']) expect((await fetch(`${server.url}${probe}`)).status).toBe(200);
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    expect((await fetch(`${server.url}/docs/json`)).status).toBe(200);
  });
});

describe('a route without an access declaration', () => {
  it('cannot be added: the server refuses it (access fails closed)', async () => {
    const temp = makeTempDir();
    const service = await ForyouService.open(join(temp.dir, 'closed.db'));
    try {
      const app = await buildServer(service);
      expect(() => app.get('/v1/forgotten', async () => ({ secret: true }))).toThrow(/declares no access/);
      // A user parameter that the path does not have would refuse every user: a mistake caught at start too.
      const typo = { config: { access: ACCESS.serviceOrSelf('user') } };
      expect(() => app.get('/v1/things/:id', typo, async () => ({}))).toThrow(/names no parameter :user/);
      await app.close();
    } finally {
      await service.close();
      temp.cleanup();
    }
  });
});
