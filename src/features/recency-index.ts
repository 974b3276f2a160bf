/** Live videos, newest first; rebuilt when the catalogue changed, at most once per `rebuildEveryMs`. */
import type { VideoCatalog } from './video-catalog.js';

export class RecencyIndex {
  private newestFirst = new Int32Array(0);
  private builtVersion = -1;
  private builtAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly catalog: VideoCatalog,
    private readonly rebuildEveryMs = 1000,
  ) {}

  newest(now = Date.now()): Int32Array {
    if (
      this.catalog.version !== this.builtVersion &&
      (this.builtVersion < 0 || now - this.builtAt >= this.rebuildEveryMs)
    ) {
      const { live, createdAt, size } = this.catalog;
      const order: number[] = [];
      for (let vidx = 0; vidx < size; vidx++) if (live[vidx] === 1) order.push(vidx);
      order.sort((a, b) => createdAt[b]! - createdAt[a]!);
      this.newestFirst = Int32Array.from(order);
      this.builtVersion = this.catalog.version;
      this.builtAt = now;
    }
    return this.newestFirst;
  }

  invalidate(): void {
    this.builtVersion = -1;
  }
}
