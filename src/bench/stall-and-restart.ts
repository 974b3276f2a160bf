/**
 * What a running server's users feel of its upkeep: feed latency while a state snapshot is written and while a burst
 * of events arrives, and how long a restart keeps it from serving (stop, then start with a snapshot present until
 * `/readyz` answers 200).
 */
import { runGets, runRequests, type TimedRequests } from './http-load.js';
import { elapsedMs, percentile, round, sortedCopy } from './measure.js';
import { spawnServe, type ServeProcess } from './serve-process.js';

export interface FeedsDuring<T> {
  /** p99 of the feeds requested one at a time while `action` ran. */
  feedP99Ms: number;
  feeds: number;
  seconds: number;
  result: T;
}

/** Requests feeds one at a time, without pause, for as long as `action` runs. */
export async function feedsDuring<T>(
  feedUrl: () => string,
  headers: Record<string, string>,
  action: () => Promise<T>,
): Promise<FeedsDuring<T>> {
  let done = false;
  const start = process.hrtime.bigint();
  const load = runGets(Number.MAX_SAFE_INTEGER, 1, feedUrl, headers, 3_600, () => done);
  let result: T;
  try {
    result = await action();
  } finally {
    done = true;
  }
  const feeds: TimedRequests = await load;
  if (feeds.failures > 0) throw new Error(`${feeds.failures} feed requests failed meanwhile`);
  return { feedP99Ms: round(percentile(sortedCopy(feeds.latenciesMs), 99)), feeds: feeds.latenciesMs.length, seconds: round(elapsedMs(start) / 1000), result };
}

/**
 * Waits until the server has applied everything stored to every replica (POST /v1/ops/catch-up): events are
 * acknowledged once stored and learned behind, so a burst's cost to feeds lasts until then.
 */
export async function untilCaughtUp(url: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`${url}/v1/ops/catch-up`, { method: 'POST', headers });
  if (!response.ok) throw new Error(`catch-up failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { waitedMs: number }).waitedMs;
}

/** Posts `batches` (JSON bodies of /v1/events) `concurrency` at a time; throws if any is refused. */
export async function postBatches(url: string, headers: Record<string, string>, batches: string[], concurrency = 4): Promise<TimedRequests> {
  const sent = await runRequests(
    batches.length,
    concurrency,
    (i) => fetch(`${url}/v1/events`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: batches[i] }),
    3_600,
  );
  if (sent.failures > 0) throw new Error(`${sent.failures} event batches failed`);
  return sent;
}

/** Polls `/readyz` until it answers 200. */
export async function untilReady(url: string, timeoutMs = 3 * 3_600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    if (response?.status === 200) return;
    await response?.arrayBuffer();
    if (Date.now() > deadline) throw new Error('the server did not become ready in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Restart {
  server: ServeProcess;
  /** From SIGTERM to exit: the snapshot written at close included. */
  stopSeconds: number;
  /** From spawning the process to `/readyz` 200. */
  restartSeconds: number;
}

/** Stops `server` (it writes a snapshot as it closes) and starts it again with `args`; the new process, and timings. */
export async function restartServer(server: ServeProcess, args: string[], env: NodeJS.ProcessEnv): Promise<Restart> {
  const stopStart = process.hrtime.bigint();
  server.child.kill('SIGTERM');
  const code = await server.exited;
  if (code !== 0) throw new Error(`foryou serve exited with ${code} when stopped`);
  const stopSeconds = elapsedMs(stopStart) / 1000;
  const start = process.hrtime.bigint();
  const restarted = await spawnServe(args, env);
  await untilReady(restarted.url);
  return { server: restarted, stopSeconds: round(stopSeconds), restartSeconds: round(elapsedMs(start) / 1000) };
}
