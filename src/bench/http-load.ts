/** Load against a running server over loopback HTTP: bounded in requests and time, so it always stops. */
import { Agent, request } from 'node:http';
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

/**
 * `runRequests` for GETs through node:http with keep-alive sockets: a fraction of `fetch`'s CPU per request, which
 * matters when the load generator shares the server's cores. Reads every body in full; non-2xx count as failures.
 */
export async function runGets(
  total: number,
  concurrency: number,
  url: (i: number) => string,
  headers: Record<string, string> = {},
  maxSeconds = 120,
): Promise<TimedRequests> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  let failures = 0;
  let next = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + maxSeconds * 1000;
  const get = (target: string) =>
    new Promise<number>((resolve, reject) => {
      request(target, { agent, headers }, (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
  const worker = async () => {
    while (next < total && Date.now() < deadline) {
      const i = next++;
      const t = process.hrtime.bigint();
      const status = await get(url(i));
      if (status < 200 || status >= 300) failures++;
      latenciesMs.push(elapsedMs(t));
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { latenciesMs, seconds: elapsedMs(start) / 1000, failures };
}
