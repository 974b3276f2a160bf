/**
 * Access control. Every route declares who may call it (`config: { access }`); one check enforces it before the body
 * is read, so a refused request costs no parsing. A route that declares nothing stops the server from starting:
 * access fails closed. Requests are identified first (onRequest), then rate-limited by that identity, then
 * authorised (preParsing), so that key guessing is throttled per address like any anonymous traffic.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeys, Principal, StaffRole } from '../auth/api-keys.js';
import { InputError } from '../core/errors.js';

/**
 * Open to anyone, or to keys of the listed roles and, when `ownUserParam` names a path parameter, that user's key;
 * `anyUser`: every user's key too (public-facing reads any signed-in user may make, e.g. a creator's videos).
 */
export type RouteAccess = { public: true } | { roles: readonly StaffRole[]; ownUserParam?: string; anyUser?: true };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who the request acts as; undefined when it carries no valid key. */
    principal: Principal | undefined;
    /** Why the key presented (if any) was not accepted. */
    keyRefusal: string | undefined;
  }
}

export const PUBLIC: RouteAccess = { public: true };

/** Keys of these roles; with `ownUserParam`, also the key of the user that path parameter names. */
export function allow(roles: readonly StaffRole[], ownUserParam?: string): RouteAccess {
  return ownUserParam === undefined ? { roles } : { roles, ownUserParam };
}

/** The common declarations, so a route says what it is rather than list roles. */
export const ACCESS = {
  /** Writes and reads of catalogue, users and events by the operator's backend. */
  service: allow(['service', 'admin']),
  /** Like `service`, and the user the path names with their own key. */
  serviceOrSelf: (userParam: string) => allow(['service', 'admin'], userParam),
  /** Any valid key: every staff role and every user's own key (what a signed-in app may read about others). */
  anyKey: { roles: ['admin', 'service', 'auditor'], anyUser: true } as RouteAccess,
  /** Reading the algorithm's versions. */
  algorithmReader: allow(['auditor', 'admin', 'service']),
  /** Reading the audit trail. */
  auditor: allow(['auditor', 'admin']),
  /** Changing the configuration. */
  admin: allow(['admin']),
} as const;

/**
 * Routes added by plugins (the API docs; the media files, which players and <img> tags load without headers) are
 * public by their prefix; they cannot carry a declaration.
 */
const PUBLIC_PLUGIN_PREFIXES = ['/docs', '/media'];

export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

const declaredByApp = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Every route of the app with its access, as registered (HEAD routes included). */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return declaredByApp.get(app) ?? [];
}

/** A 401 or 403: an InputError, so the error handler answers it with the same JSON shape as any refusal. */
export class AccessError extends InputError {
  constructor(statusCode: 401 | 403, message: string, detail: string) {
    super(message, [{ field: 'authorization', message: detail }], statusCode);
    this.name = 'AccessError';
  }
}

const BEARER = /^Bearer +(\S+) *$/i;

/** Must be registered before any route, and before the rate limiter (which keys on the identity found here). */
export function registerAccessControl(app: FastifyInstance, keys: ApiKeys): void {
  const routes: DeclaredRoute[] = [];
  declaredByApp.set(app, routes);
  app.decorateRequest('principal', undefined);
  app.decorateRequest('keyRefusal', undefined);

  app.addHook('onRoute', (route) => {
    let access = route.config?.access;
    const pluginPublic = PUBLIC_PLUGIN_PREFIXES.some((prefix) => route.url === prefix || route.url.startsWith(`${prefix}/`));
    if (access === undefined && pluginPublic) {
      access = PUBLIC;
      route.config = { ...route.config, access };
    }
    const methods = ([] as string[]).concat(route.method);
    if (access === undefined) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no access (config.access): refusing to serve it`);
    }
    if (!('public' in access) && access.ownUserParam !== undefined && !route.url.includes(`:${access.ownUserParam}`)) {
      throw new Error(`route ${methods.join(',')} ${route.url} names no parameter :${access.ownUserParam} for its user`);
    }
    for (const method of methods) routes.push({ method, url: route.url, access });
    if (route.schema && !route.schema.hide) {
      // The OpenAPI document says who may call each route, from the same declaration the check enforces.
      const note = describeAccess(access);
      const description = route.schema.description ? `${route.schema.description}\n\n${note}` : note;
      route.schema = { ...route.schema, description, security: 'public' in access ? [] : [{ [SECURITY_SCHEME]: [] }] };
    }
  });

  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return;
    const bearer = BEARER.exec(header);
    if (!bearer) {
      request.keyRefusal = 'the Authorization header must read "Bearer KEY"';
      return;
    }
    const identification = await keys.identify(bearer[1]!);
    if ('principal' in identification) request.principal = identification.principal;
    else request.keyRefusal = identification.refusal;
  });

  app.addHook('preParsing', async (request, reply, payload) => {
    if (!request.is404) authorize(request, reply);
    return payload;
  });
}

/** The name of the bearer-key scheme in the OpenAPI document. */
export const SECURITY_SCHEME = 'apiKey';

export function describeAccess(access: RouteAccess): string {
  if ('public' in access) return 'Access: public, no key needed.';
  if (access.anyUser) return `Access: any valid key (${access.roles.join(', ')} or any user's).`;
  const self = access.ownUserParam === undefined ? '' : `, or the key of the user named by \`${access.ownUserParam}\``;
  return `Access: ${access.roles.join(' or ')} keys${self}.`;
}

function authorize(request: FastifyRequest, reply: FastifyReply): void {
  const access = request.routeOptions.config.access;
  // Unreachable while onRoute refuses undeclared routes; kept so that access stays closed if that ever changes.
  if (access === undefined) throw new AccessError(403, 'forbidden', 'this route declares no access');
  if ('public' in access) return;
  const principal = request.principal;
  if (principal === undefined) {
    reply.header('www-authenticate', 'Bearer');
    if (request.keyRefusal !== undefined) throw new AccessError(401, 'invalid API key', request.keyRefusal);
    throw new AccessError(401, 'authentication required', 'send the header "Authorization: Bearer KEY"');
  }
  if (principal.role === 'user') {
    if (access.anyUser) return;
    if (access.ownUserParam === undefined) {
      throw new AccessError(403, 'forbidden', `user keys may not use this route; it needs a key of role ${access.roles.join(' or ')}`);
    }
    const target = (request.params as Record<string, string | undefined>)[access.ownUserParam];
    if (target !== principal.user) {
      throw new AccessError(403, 'forbidden', `this key belongs to user "${principal.user}" and reaches only that user's data`);
    }
    return;
  }
  if (!access.roles.includes(principal.role)) {
    const self = access.ownUserParam === undefined ? '' : " (or the user's own key)";
    throw new AccessError(403, 'forbidden', `this route needs a key of role ${access.roles.join(' or ')}${self}; this key's role is ${principal.role}`);
  }
}
