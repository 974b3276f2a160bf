/**
 * The audit log's hash chain: each entry's hash covers its own fields and the previous entry's hash, so editing,
 * removing or reordering any entry breaks every hash after it. Pure functions: the store keeps rows, this decides
 * what a valid chain is.
 */
import { createHash } from 'node:crypto';

/** The previous hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  /** 1, 2, 3… without gaps. */
  seq: number;
  ts: number;
  /** What happened, e.g. `algorithm.version`, `user.exported`, `user.erased`, `key.created`, `role.changed`. */
  kind: string;
  /** Who did it (a key's owner, `operator`, `foryou` for the service itself). */
  actor: string;
  /** Whom or what it concerns; users appear only as a pseudonym (see AuditLog.pseudonym), never by id. */
  subject: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type UnsealedAuditEntry = Omit<AuditEntry, 'hash'>;

/** JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 (hex) over the canonical JSON of every field but the hash itself. */
export function auditEntryHash(entry: UnsealedAuditEntry): string {
  const { seq, ts, kind, actor, subject, detail, prevHash } = entry;
  return createHash('sha256').update(canonicalJson({ seq, ts, kind, actor, subject, detail, prevHash })).digest('hex');
}

/** The next entry after `previous` (undefined for the first), hashed. */
export function sealAuditEntry(
  previous: { seq: number; hash: string } | undefined,
  fields: { ts: number; kind: string; actor: string; subject: string; detail: Record<string, unknown> },
): AuditEntry {
  const unsealed: UnsealedAuditEntry = { seq: (previous?.seq ?? 0) + 1, prevHash: previous?.hash ?? GENESIS_HASH, ...fields };
  return { ...unsealed, hash: auditEntryHash(unsealed) };
}

export interface AuditHead {
  count: number;
  seq: number;
  hash: string;
}

export type ChainVerdict =
  | { ok: true; head: AuditHead }
  | { ok: false; head: AuditHead; badSeq: number; problem: string };

/**
 * Checks entries given in stored order, one at a time (so a long log streams). The first problem found is the
 * verdict; `finish` also compares the last entry with an anchored head, which is what catches a truncated tail.
 */
export class ChainVerifier {
  private previous: { seq: number; hash: string } | undefined;
  private count = 0;
  private failure: { badSeq: number; problem: string } | undefined;

  add(entry: AuditEntry): boolean {
    if (this.failure) return false;
    const expectedSeq = (this.previous?.seq ?? 0) + 1;
    const expectedPrev = this.previous?.hash ?? GENESIS_HASH;
    if (entry.seq !== expectedSeq) {
      return this.fail(entry.seq, `expected entry ${expectedSeq} here: an entry before it was removed or moved`);
    }
    if (entry.prevHash !== expectedPrev) {
      return this.fail(entry.seq, 'its previous-hash does not match the entry before it (removed or reordered entries)');
    }
    if (auditEntryHash(entry) !== entry.hash) return this.fail(entry.seq, 'its content does not match its hash (edited)');
    this.previous = { seq: entry.seq, hash: entry.hash };
    this.count++;
    return true;
  }

  /** `anchor`: the head recorded when the log was last appended to (or by an auditor); absent = no anchor check. */
  finish(anchor?: { seq: number; hash: string }): ChainVerdict {
    const head: AuditHead = { count: this.count, seq: this.previous?.seq ?? 0, hash: this.previous?.hash ?? GENESIS_HASH };
    if (this.failure) return { ok: false, head, ...this.failure };
    if (anchor && (anchor.seq !== head.seq || anchor.hash !== head.hash)) {
      const problem =
        anchor.seq > head.seq
          ? `the log ends at entry ${head.seq} but its anchored head is entry ${anchor.seq}: entries were removed from the end`
          : `the anchored head (entry ${anchor.seq}, ${anchor.hash.slice(0, 12)}…) does not match the log's last entry`;
      return { ok: false, head, badSeq: Math.min(anchor.seq, head.seq + 1), problem };
    }
    return { ok: true, head };
  }

  private fail(badSeq: number, problem: string): false {
    this.failure = { badSeq, problem };
    return false;
  }
}
