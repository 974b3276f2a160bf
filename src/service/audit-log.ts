/**
 * The audit log: an append-only, hash-chained record of what changed the service's behaviour or touched a user's
 * data — algorithm versions, keys and roles, exports, erasures. Entries never name a user: they carry a keyed
 * pseudonym, so an erased user's id is in no file, while an auditor who is given an id (and the log's key) can
 * still find the entries about it.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { ChainVerifier, sealAuditEntry, type AuditEntry, type ChainVerdict } from '../core/audit-chain.js';
import type { AuditAnchor, Store } from '../store/store.js';

const PSEUDONYM_KEY_META = 'audit.pseudonymKey';

export class AuditLog {
  private pseudonymKey: string | undefined;
  /** Appends run one after another, so each is sealed on the entry before it. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: Store) {}

  /** Appends an entry; `detail` must hold no personal data (use `pseudonym` for users). */
  append(kind: string, actor: string, detail: Record<string, unknown> = {}, subject = '', now = Date.now()): Promise<AuditEntry> {
    const appended = this.tail.then(() =>
      this.store.appendAuditEntry((previous) => sealAuditEntry(previous, { ts: now, kind, actor, subject, detail })),
    );
    this.tail = appended.catch(() => undefined);
    return appended;
  }

  /** `user:` + HMAC-SHA256 of the id under a random key kept in the store: stable per user, not reversible. */
  async pseudonym(userId: string): Promise<string> {
    this.pseudonymKey ??= await this.store.getMeta(PSEUDONYM_KEY_META);
    if (this.pseudonymKey === undefined) {
      this.pseudonymKey = randomBytes(32).toString('hex');
      await this.store.setMeta(PSEUDONYM_KEY_META, this.pseudonymKey);
    }
    return `user:${createHmac('sha256', this.pseudonymKey).update(userId).digest('hex').slice(0, 32)}`;
  }

  page(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.store.auditEntries(afterSeq, limit);
  }

  /** The head as anchored at the last append (seq 0 when the log is empty). */
  async head(): Promise<AuditAnchor> {
    return (await this.store.auditAnchor()) ?? { seq: 0, hash: '0'.repeat(64) };
  }

  /**
   * Walks the whole chain and compares its end with the anchor kept beside it — and with `expectedHead` when an
   * auditor recorded one earlier (the in-file anchor can be rewritten by whoever can rewrite the file).
   */
  async verify(expectedHead?: AuditAnchor): Promise<ChainVerdict> {
    const verifier = new ChainVerifier();
    outer: for await (const batch of this.store.scanAuditEntries()) {
      for (const entry of batch) if (!verifier.add(entry)) break outer;
    }
    const anchored = verifier.finish(await this.store.auditAnchor());
    if (!anchored.ok || !expectedHead) return anchored;
    return await this.verifyRecordedHead(expectedHead, anchored);
  }

  /** A recorded head must still be in the chain with the same hash (later entries may follow it). */
  private async verifyRecordedHead(expected: AuditAnchor, verdict: ChainVerdict): Promise<ChainVerdict> {
    const [entry] = await this.store.auditEntries(expected.seq - 1, 1);
    if (entry && entry.seq === expected.seq && entry.hash === expected.hash) return verdict;
    const problem = entry
      ? `entry ${expected.seq} no longer has the recorded hash ${expected.hash.slice(0, 12)}…: the log was rewritten from there`
      : `the recorded head entry ${expected.seq} is missing: entries were removed from the end`;
    return { ok: false, head: verdict.head, badSeq: expected.seq, problem };
  }
}
