/**
 * The server reaches no host but loopback at run time. Two independent checks on a real `foryou serve --demo`:
 * a preloaded guard records (and blocks) every TCP, UDP and DNS attempt to any other host, from the first line of
 * the process on; and while it runs, the kernel's socket tables (/proc) show no peer of its sockets off loopback.
 * Every route in the OpenAPI document is exercised with a key allowed everywhere, plus the hidden web app.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALGORITHM } from '../../src/core/algorithm.js';
import { TEST_ADMIN_KEY } from '../helpers/running-server.js';
import { spawnServer } from '../helpers/server-process.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const GUARD = fileURLToPath(new URL('../helpers/network-guard.mjs', import.meta.url));
const temp = makeTempDir();
afterAll(() => temp.cleanup());

interface Attempt {
  kind: string;
  target: string;
}

function logged(log: string): Attempt[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Attempt);
}

/** The attempts to reach another host that the guard recorded in the process with this pid. */
function attempts(log: string, pid?: number): Attempt[] {
  const entries = logged(log);
  if (pid !== undefined) expect(entries).toContainEqual({ kind: 'guard-loaded', target: String(pid) });
  return entries.filter((entry) => entry.kind !== 'guard-loaded');
}

function guardedEnv(log: string): NodeJS.ProcessEnv {
  return { FORYOU_NETWORK_LOG: log, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(GUARD).href}`.trim() };
}

/** An address from /proc/net/{tcp,udp}[6] (hex, 32-bit words in host byte order, little-endian here) as text. */
function procAddress(hex: string): string {
  const [address] = hex.split(':');
  const bytes = address!.match(/.{8}/g)!.flatMap((word) => word.match(/../g)!.reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

function isLoopbackOrUnset(address: string): boolean {
  return (
    address === '0.0.0.0' ||
    address.startsWith('127.') ||
    address === '0:0:0:0:0:0:0:0' ||
    address === '0:0:0:0:0:0:0:1' ||
    /^0:0:0:0:0:ffff:7f/.test(address)
  );
}

/** The remote address of every TCP/UDP socket the process holds, from the kernel's tables. */
function socketPeers(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed while listing
    }
  }
  const peers: string[] = [];
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const file = `/proc/${pid}/net/${table}`;
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length > 9 && inodes.has(columns[9]!)) peers.push(procAddress(columns[2]!));
    }
  }
  return peers;
}

describe('no outbound network', () => {
  it('the guard itself sees attempts to other hosts (so silence below means something)', () => {
    const log = join(temp.dir, 'guard-check.log');
    execFileSync(
      process.execPath,
      [
        '-e',
        `fetch('http://192.0.2.1/').catch(() => {});
         require('dns').lookup('example.com', () => {});
         require('net').connect(443, '10.0.0.1').on('error', () => {});`,
      ],
      { env: { ...process.env, ...guardedEnv(log) }, stdio: 'ignore' },
    );
    expect(attempts(log).map((a) => a.target).sort()).toEqual(['10.0.0.1:443', '192.0.2.1:80', 'example.com']);
  });

  it('foryou serve --demo opens no connection off loopback while every route is used', async () => {
    const log = join(temp.dir, 'serve.log');
    const server = await spawnServer(['--db', join(temp.dir, 'demo.db'), '--demo'], guardedEnv(log));
    try {
      const authorization = `Bearer ${TEST_ADMIN_KEY}`;
      const bodies: Record<string, unknown> = {
        'PUT /v1/videos/{id}': { creator: 'c-net', durationMs: 12_000, hashtags: ['net'] },
        'PUT /v1/users/{id}': { region: 'DE', interests: ['net'] },
        'POST /v1/events': { events: [{ id: 'net-1', user: 'net-user', video: 'net-video', type: 'play', watchMs: 9_000 }] },
        'POST /v1/algorithm/versions': { changes: { valueWeights: DEFAULT_ALGORITHM.valueWeights }, note: 'network test' },
        'POST /v1/users/{id}/events': { events: [{ id: 'net-2', user: 'net-user', video: 'net-video', type: 'like' }] },
        'PATCH /v1/users/{id}/settings': { personalized: true },
      };
      // The upload route takes a form: a demo clip, as the server made it.
      const clip = await (await fetch(`${server.url}/media/demo/dance-1.mp4`)).arrayBuffer();
      const uploadForm = () => {
        const form = new FormData();
        form.append('caption', 'network test');
        form.append('file', new Blob([clip], { type: 'video/mp4' }), 'clip.mp4');
        return form;
      };
      const document = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
      const exercised: string[] = [];
      // PUTs first, so the reads that follow find what they ask for; DELETE (the erasure) last.
      const order = (method: string) => (method === 'PUT' ? 0 : method === 'DELETE' ? 2 : 1);
      const operations = Object.entries(document.paths)
        .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ path, method: method.toUpperCase() })))
        .sort((a, b) => order(a.method) - order(b.method));
      for (const { path, method } of operations) {
        const url = path
          .replace('{version}', '1')
          .replace('{user}', 'net-user')
          .replace('{video}', 'net-video')
          .replace('{id}', path.includes('videos') ? 'net-video' : 'net-user');
        const body = bodies[`${method} ${path}`];
        const upload = method === 'POST' && path === '/v1/users/{id}/videos';
        const response = await fetch(`${server.url}${url}`, {
          method,
          headers: body === undefined ? { authorization } : { authorization, 'content-type': 'application/json' },
          body: upload ? uploadForm() : body === undefined ? undefined : JSON.stringify(body),
        });
        expect(response.status, `${method} ${url}`).toBeLessThan(300);
        await response.arrayBuffer();
        exercised.push(`${method} ${path}`);
      }
      expect(exercised.length).toBeGreaterThanOrEqual(9);
      for (const page of ['/', '/docs', '/healthz']) expect((await fetch(`${server.url}${page}`)).status).toBe(200);

      if (existsSync(`/proc/${server.child.pid}/net/tcp`)) {
        const peers = socketPeers(server.child.pid!);
        expect(peers.length).toBeGreaterThan(0); // at least the listening socket: the tables were read
        expect(peers.filter((peer) => !isLoopbackOrUnset(peer))).toEqual([]);
      }
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    expect(attempts(log, server.child.pid)).toEqual([]);
  });
});
