/**
 * A weighted blend of models. Each part's scores are standardised per user (z-scores over the catalogue) so
 * that scales as different as EASE weights, cosine sums and inner products can be added; the blend is
 * Σ weight·z. Parts are fitted one after the other, each with all threads.
 */
import type { Interactions } from './interactions.js';
import type { FitOptions, ModelSnapshot, RetrievalModel } from './model.js';
import { standardise } from './validation.js';

export interface EnsemblePart {
  model: RetrievalModel;
  weight: number;
}

export class EnsembleModel implements RetrievalModel {
  private buffer: Float32Array = new Float32Array(0);

  constructor(
    readonly name: string,
    readonly parts: EnsemblePart[],
  ) {}

  async fit(data: Interactions, options: FitOptions = {}): Promise<void> {
    for (const part of this.parts) await part.model.fit(data, options);
    this.buffer = new Float32Array(data.numItems);
  }

  scoreUser(user: number, out: Float32Array): void {
    this.blend(out, (model, buffer) => model.scoreUser(user, buffer));
  }

  scoreHistory(items: Int32Array, weights: Float32Array | undefined, out: Float32Array): void {
    this.blend(out, (model, buffer) => model.scoreHistory(items, weights, buffer));
  }

  private blend(out: Float32Array, score: (model: RetrievalModel, buffer: Float32Array) => void): void {
    const n = out.length;
    if (this.buffer.length !== n) this.buffer = new Float32Array(n);
    const buffer = this.buffer;
    out.fill(0);
    for (const { model, weight } of this.parts) {
      if (weight === 0) continue;
      score(model, buffer);
      standardise(buffer);
      for (let i = 0; i < n; i++) out[i] += weight * buffer[i]!;
    }
  }

  snapshot(): ModelSnapshot {
    return {
      model: this.name,
      params: { weights: this.parts.map((part) => part.weight).join(',') },
      arrays: {},
      parts: this.parts.map((part) => part.model.snapshot()),
    };
  }
}
