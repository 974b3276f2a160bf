/** Most popular items first: the baseline every other model must beat. Ties go to the lower index. */
import type { Interactions } from './interactions.js';
import type { FitOptions, ModelSnapshot, RetrievalModel } from './model.js';

export class PopularModel implements RetrievalModel {
  readonly name = 'popular';
  private counts: Float32Array = new Float32Array(0);

  async fit(data: Interactions, _options?: FitOptions): Promise<void> {
    this.counts = new Float32Array(data.numItems);
    for (let i = 0; i < data.numItems; i++) this.counts[i] = data.itemPtr[i + 1]! - data.itemPtr[i]!;
  }

  scoreUser(_user: number, out: Float32Array): void {
    out.set(this.counts);
  }

  scoreHistory(_items: Int32Array, _weights: Float32Array | undefined, out: Float32Array): void {
    out.set(this.counts);
  }

  snapshot(): ModelSnapshot {
    return { model: this.name, params: {}, arrays: { counts: this.counts } };
  }

  static fromSnapshot(snapshot: ModelSnapshot): PopularModel {
    const model = new PopularModel();
    model.counts = snapshot.arrays.counts as Float32Array;
    return model;
  }
}
