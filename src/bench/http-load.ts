/** Load against a running server over loopback HTTP: bounded in requests and time, so it always stops. */
import { elapsedMs } from './measure.js';

export interface TimedRequests {
  latenciesMs: number[];
  seconds: number;
  failures: number;
}

/**
 * Runs `total` requests made by `makeRequest(i)`, `concurrency` at a time, and times each one (send to full body).
 * Stops early once `maxSeconds` have passed.
 */
export async function runRequests(
  total: number,
  concurrency: number,
  makeRequest: (i: number) => Promise<Response>,
  maxSeconds = 120,
): Promise<TimedRequests> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let next = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + maxSeconds * 1000;
  const worker = async () => {
    while (next < total && Date.now() < deadline) {
      const i = next++;
      const t = process.hrtime.bigint();
      const response = await makeRequest(i);
      await response.arrayBuffer();
      if (!response.ok) failures++;
      latenciesMs.push(elapsedMs(t));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latenciesMs, seconds: elapsedMs(start) / 1000, failures };
}
