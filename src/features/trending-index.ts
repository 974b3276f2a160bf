/**
 * The most engaged-with live videos per region, by decayed engagement. Rebuilt at most once per `rebuildEveryMs`
 * (a full pass over the catalogue's typed arrays, no allocation per video), since trending moves slowly compared
 * with one user's feed; per-user freshness comes from the user's own state, not from here.
 */
import type { VideoCatalog } from './video-catalog.js';
import type { VideoEngagement } from './video-engagement.js';

export const GLOBAL_REGION = '*';

/** A fixed-capacity min-heap of (key, vidx): keeps the `capacity` largest keys seen. */
export class TopKeys {
  readonly keys: Float64Array;
  readonly ids: Int32Array;
  size = 0;
  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  offer(key: number, id: number): void {
    if (this.size < this.capacity) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.keys[parent]! <= key) break;
        this.keys[i] = this.keys[parent]!;
        this.ids[i] = this.ids[parent]!;
        i = parent;
      }
      this.keys[i] = key;
      this.ids[i] = id;
      return;
    }
    if (key <= this.keys[0]!) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.keys[right]! < this.keys[left]! ? right : left;
      if (this.keys[child]! >= key) break;
      this.keys[i] = this.keys[child]!;
      this.ids[i] = this.ids[child]!;
      i = child;
    }
    this.keys[i] = key;
    this.ids[i] = id;
  }

  /** Video indexes, highest key first. */
  sorted(): Int32Array {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.keys[b]! - this.keys[a]!);
    return Int32Array.from(order, (i) => this.ids[i]!);
  }
}

export class TrendingIndex {
  private byRegion = new Map<string, Int32Array>();
  private builtAt = Number.NEGATIVE_INFINITY;
  private builtVersion = -1;

  constructor(
    private readonly catalog: VideoCatalog,
    private readonly engagement: VideoEngagement,
    private readonly capacity: number,
    private readonly rebuildEveryMs = 1000,
  ) {}

  /** Top live videos of a region (GLOBAL_REGION for all), most trending first. */
  top(region: string, now = Date.now()): Int32Array {
    this.refresh(now);
    return this.byRegion.get(region) ?? new Int32Array(0);
  }

  private refresh(now: number): void {
    const version = this.catalog.version + this.engagement.version;
    if (version === this.builtVersion) return;
    if (now - this.builtAt < this.rebuildEveryMs && this.builtVersion >= 0) return;
    this.rebuild();
    this.builtAt = now;
    this.builtVersion = version;
  }

  /** Forces the next `top` call to rebuild (tests, or after a bulk load). */
  invalidate(): void {
    this.builtVersion = -1;
  }

  private rebuild(): void {
    const catalog = this.catalog;
    const { live, size } = catalog;
    const keys = this.engagement.trendKey;
    const global = new TopKeys(this.capacity);
    const regional = new Map<string, TopKeys>();
    for (let vidx = 0; vidx < size; vidx++) {
      const key = keys[vidx]!;
      if (live[vidx] === 0 || key === Number.NEGATIVE_INFINITY) continue;
      global.offer(key, vidx);
      const region = catalog.regionOf(vidx);
      let top = regional.get(region);
      if (!top) regional.set(region, (top = new TopKeys(this.capacity)));
      top.offer(key, vidx);
    }
    const byRegion = new Map<string, Int32Array>([[GLOBAL_REGION, global.sorted()]]);
    for (const [region, top] of regional) byRegion.set(region, top.sorted());
    this.byRegion = byRegion;
  }
}
