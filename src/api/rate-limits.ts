/**
 * Rate limits per key (per address for requests without a valid key), by role: the operator's backend sends the
 * bulk of the traffic, a user's app far less, and anonymous callers least.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { Role } from '../auth/api-keys.js';
import { InputError } from '../core/errors.js';

export type RateLimitClass = Role | 'anonymous';
/** Requests per minute for each class of caller. */
export type RateLimits = Record<RateLimitClass, number>;

export const RATE_LIMIT_CLASSES: readonly RateLimitClass[] = ['admin', 'service', 'auditor', 'user', 'anonymous'];

/** High enough for the benchmark's load through one service key; a user's app stays far below 20 requests/s. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  admin: 100_000,
  service: 100_000,
  auditor: 6_000,
  user: 1_200,
  anonymous: 1_200,
};

const WINDOW_MS = 60_000;

/** Must be registered after access control (it keys on the identity found there) and before any route. */
export async function registerRateLimits(app: FastifyInstance, limits: RateLimits): Promise<void> {
  await app.register(fastifyRateLimit, {
    global: true,
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
    max: (request) => limits[request.principal?.role ?? 'anonymous'],
    errorResponseBuilder: (request, context) => {
      const who = request.principal ? `key ${request.principal.keyId}` : `address ${request.ip}`;
      return new InputError(
        'rate limit exceeded',
        [{ field: 'authorization', message: `${who} may send ${context.max} requests per minute; retry in ${context.after}` }],
        429,
      );
    },
  });
}

/** Parses `service=100000,user=600`: the classes named get those limits, the others keep theirs. */
export function parseRateLimits(text: string, base: RateLimits = DEFAULT_RATE_LIMITS): RateLimits {
  const limits = { ...base };
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    const perMinute = Number(value);
    if (!RATE_LIMIT_CLASSES.includes(name as RateLimitClass)) {
      throw new Error(`unknown class "${name}"; use ${RATE_LIMIT_CLASSES.join(', ')}`);
    }
    if (!Number.isSafeInteger(perMinute) || perMinute < 1) throw new Error(`${name} needs a whole number of requests per minute ≥ 1`);
    limits[name as RateLimitClass] = perMinute;
  }
  return limits;
}
