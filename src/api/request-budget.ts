/**
 * What one user's key may cost the server, bounded before the work is done: a user's app sends small bodies, a few
 * requests at a time. The operator's backend (service and admin keys) carries the bulk traffic and keeps the
 * server-wide limits (BODY_LIMIT_BYTES, the rate limits).
 *
 * - A JSON body of a user's key is cut off at USER_BODY_LIMIT_BYTES while it streams in (413), not buffered to 16 MB.
 * - A user's key has at most USER_CONCURRENT_REQUESTS requests in flight (429 beyond): three connections of
 *   10,000-event batches held every other user's feed for seconds.
 * - A user's key sends at most USER_BODY_BYTES_PER_MINUTE bytes of JSON a minute (a bucket that refills
 *   continuously), refused before they are read or parsed once spent: parsing is work on the one event loop, and
 *   three connections of 1 MB batches refused only after parsing held other users' feed p99 at 200 ms.
 * - A user's own events route takes at most USER_EVENTS_PER_MINUTE events a minute from that user (a bucket that
 *   refills continuously): a person's app logs a few events a second; 160,000 in 20 s is a script.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { InputError } from '../core/errors.js';

/** About 8,000 events of a user's batch; an app sends tens at a time. */
export const USER_BODY_LIMIT_BYTES = 1024 * 1024;
/** A person scrolls a video every few seconds and logs a handful of events for each. */
export const USER_EVENTS_PER_MINUTE = 3_000;
/** A user's app has a feed, an event batch and an upload or two in flight, not more. */
export const USER_CONCURRENT_REQUESTS = 8;
/** A minute's JSON from a user's key: USER_EVENTS_PER_MINUTE events of some 300 bytes fit four times over. */
export const USER_BODY_BYTES_PER_MINUTE = 4 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** The key whose in-flight count this request holds, released when the answer is sent. */
    budgetKey: string | undefined;
  }
}

/** Must be registered after access control (it reads the identity found there). */
export function registerRequestBudget(app: FastifyInstance): void {
  const inFlight = new Map<string, number>();
  const bodyBytes = new TokenBuckets(USER_BODY_BYTES_PER_MINUTE);
  app.decorateRequest('budgetKey', undefined);

  app.addHook('preParsing', async (request, _reply, payload) => {
    const principal = request.principal;
    if (principal?.role !== 'user') return payload;
    const key = `key:${principal.keyId}`;
    const count = inFlight.get(key) ?? 0;
    if (count >= USER_CONCURRENT_REQUESTS) {
      throw new InputError(
        'too many requests in flight',
        [{ field: 'authorization', message: `a user's key may have ${USER_CONCURRENT_REQUESTS} requests in flight; wait for an answer` }],
        429,
      );
    }
    inFlight.set(key, count + 1);
    request.budgetKey = key;
    if (!isJson(request.headers['content-type'])) return payload;
    const declared = Number(request.headers['content-length']);
    if (declared > USER_BODY_LIMIT_BYTES) throw bodyTooLarge();
    // Declared lengths are taken up front; a body streamed without one is charged as it arrives (and may overdraw).
    const wait = bodyBytes.waitSeconds(key, Number.isFinite(declared) ? declared : 1);
    if (wait > 0) throw bodyBudgetSpent(wait);
    if (Number.isFinite(declared)) bodyBytes.take(key, declared);
    return payload.pipe(new ByteLimit(USER_BODY_LIMIT_BYTES, Number.isFinite(declared) ? undefined : (bytes) => bodyBytes.take(key, bytes)));
  });

  app.addHook('onResponse', async (request) => release(inFlight, request.budgetKey));
  // A client that hangs up before the answer never gets an onResponse.
  app.addHook('onRequestAbort', async (request) => {
    release(inFlight, request.budgetKey);
    request.budgetKey = undefined;
  });
}

function release(inFlight: Map<string, number>, key: string | undefined): void {
  if (key === undefined) return;
  const count = (inFlight.get(key) ?? 1) - 1;
  if (count <= 0) inFlight.delete(key);
  else inFlight.set(key, count);
}

/** Other bodies are refused by the parser (415) or, for uploads, bounded by multipart's own limits. */
function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.toLowerCase().startsWith('application/json');
}

function bodyBudgetSpent(waitSeconds: number): InputError {
  return new InputError(
    'request body budget spent',
    [{ field: 'body', message: `a user's key may send ${USER_BODY_BYTES_PER_MINUTE} bytes of JSON a minute; retry in ${waitSeconds} s` }],
    429,
  );
}

function bodyTooLarge(): InputError {
  return new InputError(
    'request body too large',
    [{ field: 'body', message: `a user's key may send at most ${USER_BODY_LIMIT_BYTES} bytes of JSON at once` }],
    413,
  );
}

/**
 * Passes bytes through until `limit`, then fails the stream with a 413 (the parser sees the error). `charge`, when
 * given, is told of every chunk's size as it passes.
 */
class ByteLimit extends Transform {
  private received = 0;
  /** Fastify checks its own body limit against this; kept equal to what passed. */
  receivedEncodedLength = 0;

  constructor(
    private readonly limit: number,
    private readonly charge?: (bytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    this.receivedEncodedLength = this.received;
    this.charge?.(chunk.length);
    if (this.received > this.limit) callback(bodyTooLarge());
    else callback(null, chunk);
  }
}

/**
 * Buckets of `perMinute` tokens by key, each refilling continuously. `take` takes n whole or nothing and says how
 * long until n would fit.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Tokens the key's bucket holds now. */
  available(key: string, now = this.clock()): number {
    const bucket = this.buckets.get(key);
    return bucket === undefined ? this.perMinute : Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
  }

  /** Seconds until `n` tokens fit in the key's bucket (0: now; Infinity: never, n is over a minute's worth). */
  waitSeconds(key: string, n: number, now = this.clock()): number {
    if (n > this.perMinute) return Infinity;
    const tokens = this.available(key, now);
    return n <= tokens ? 0 : Math.ceil(((n - tokens) * 60) / this.perMinute);
  }

  /** Takes `n` tokens (the caller checked they fit). */
  take(key: string, n: number, now = this.clock()): void {
    this.buckets.set(key, { tokens: this.available(key, now) - n, at: now });
    // Full buckets hold nothing worth keeping: the map stays as large as the keys active in the last minute.
    if (this.buckets.size > 10_000) this.dropFull(now);
  }

  private dropFull(now: number): void {
    for (const key of [...this.buckets.keys()]) if (this.available(key, now) >= this.perMinute) this.buckets.delete(key);
  }
}

/** Per user, a bucket of USER_EVENTS_PER_MINUTE events refilling continuously; a batch takes from it whole or not at all. */
export class UserEventBudget {
  private readonly buckets: TokenBuckets;

  constructor(perMinute = USER_EVENTS_PER_MINUTE, clock: () => number = Date.now) {
    this.buckets = new TokenBuckets(perMinute, clock);
  }

  /** Takes `events` from the user's bucket, or throws a 429 saying when the batch would fit. */
  take(user: string, events: number): void {
    const perMinute = this.buckets.perMinute;
    const wait = this.buckets.waitSeconds(user, events);
    if (wait > 0) {
      const when = wait === Infinity ? `this batch holds ${events}` : `retry in ${wait} s`;
      throw new InputError('event volume limit exceeded', [{ field: 'events', message: `a user's key may send ${perMinute} events a minute; ${when}` }], 429);
    }
    this.buckets.take(user, events);
  }
}
