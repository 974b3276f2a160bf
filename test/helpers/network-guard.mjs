/**
 * Preloaded into a process under test (`--import`): records, then blocks, every attempt to reach a host other than
 * loopback (TCP connect, UDP send, DNS lookups and queries), one JSON line per attempt in $FORYOU_NETWORK_LOG.
 * Loopback and Unix sockets pass. Patching the prototypes catches every client built on them (http, https, fetch).
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const LOG = process.env.FORYOU_NETWORK_LOG;
if (!LOG) throw new Error('network-guard: set FORYOU_NETWORK_LOG');

export function isLoopback(host) {
  // No host means localhost to net.connect.
  if (host === undefined || host === null || host === '') return true;
  const h = String(host).toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127\./.test(h) || /^::ffff:127\./.test(h);
}

function record(kind, target) {
  const stack = (new Error().stack ?? '').split('\n').slice(3, 9).map((line) => line.trim());
  appendFileSync(LOG, JSON.stringify({ kind, target, stack }) + '\n');
}

function blocked(target) {
  const error = new Error(`network-guard: blocked ${target}`);
  error.code = 'ECONNREFUSED';
  return error;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // Node passes either (options[, cb]), (port[, host][, cb]), (path[, cb]) or, internally, one normalized array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host;
  let path;
  if (first !== null && typeof first === 'object') {
    host = first.host;
    path = first.path;
  } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
    path = first;
  } else {
    host = typeof args[1] === 'string' ? args[1] : undefined;
  }
  if (path === undefined && !isLoopback(host)) {
    record('tcp', `${host}:${typeof first === 'object' ? first.port : first}`);
    process.nextTick(() => this.destroy(blocked(host)));
    return this;
  }
  return connect.apply(this, args);
};

for (const method of ['send', 'connect']) {
  const original = dgram.Socket.prototype[method];
  dgram.Socket.prototype[method] = function guardedUdp(...args) {
    const address = args.find((arg, i) => i > 0 && typeof arg === 'string');
    if (!isLoopback(address)) {
      record('udp', String(address));
      throw blocked(address);
    }
    return original.apply(this, args);
  };
}

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (!isLoopback(hostname)) {
    record('dns.lookup', hostname);
    const callback = rest.find((arg) => typeof arg === 'function');
    process.nextTick(() => callback?.(blocked(hostname)));
    return {};
  }
  return lookup.call(this, hostname, ...rest);
};
const promisedLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisedLookup(hostname, ...rest) {
  if (!isLoopback(hostname)) {
    record('dns.lookup', hostname);
    throw blocked(hostname);
  }
  return promisedLookup.call(this, hostname, ...rest);
};
// Queries sent by the resolver (c-ares) bypass the sockets above: refuse them all.
for (const target of [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype]) {
  for (const name of Object.keys(target).concat(Object.getOwnPropertyNames(target))) {
    if (!/^(resolve|reverse)/.test(name) || typeof target[name] !== 'function') continue;
    target[name] = function guardedQuery(hostname, ...rest) {
      record(`dns.${name}`, String(hostname));
      const callback = rest.find((arg) => typeof arg === 'function');
      if (!callback) return Promise.reject(blocked(hostname));
      process.nextTick(() => callback(blocked(hostname)));
      return undefined;
    };
  }
}
syncBuiltinESMExports();
// Proof that the guard is in place in this process: a check that finds no attempts can tell silence from absence.
appendFileSync(LOG, JSON.stringify({ kind: 'guard-loaded', target: String(process.pid) }) + '\n');
