/**
 * Every model `foryou eval` and `foryou train` can name, with the hyperparameters the project ships.
 *
 * How the values were chosen: only on training data. `foryou tune --dataset DIR` holds out 20 % of each user's
 * TRAIN interactions (seed 7), fits on the rest and ranks the held-out items; it never opens the test file
 * (trials in bench/results/tuning.md). EASE, item-kNN and RP3beta ship the setting with the best mean relative
 * validation nDCG over the MovieLens-100K and Last.fm holdouts. For iALS no absolute setting travels (the best on
 * one holdout loses 15–20 % on the other), so it is parametrised relative to the catalogue (see IalsParams) and
 * ships the relative setting `best` chose on the MovieLens-100K holdout.
 *
 * `best` does not rely on fixed values at all: it runs the same kind of search itself on a holdout of whatever
 * training data it is given (auto-blend.ts), over BEST_SEARCH, which spans the settings that won on either holdout.
 */
import { AutoBlendModel, type AutoBlendSearch } from './auto-blend.js';
import { EaseModel, type EaseParams } from './ease.js';
import { EnsembleModel } from './ensemble.js';
import { IALS_DEFAULTS, IalsModel, type IalsParams } from './ials.js';
import { ItemKnnModel, type ItemKnnParams } from './item-knn.js';
import type { ModelSnapshot, RetrievalModel } from './model.js';
import { PopularModel } from './popular.js';

export const MODEL_NAMES = ['popular', 'item-knn', 'rp3beta', 'ials', 'ease', 'best'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export const SHIPPED = {
  itemKnn: { similarity: 'cosine', neighbours: 500, alpha: 0.5, beta: 0, shrink: 10 } satisfies ItemKnnParams,
  rp3beta: { similarity: 'rp3beta', neighbours: 300, alpha: 0.6, beta: 0.3, shrink: 0 } satisfies ItemKnnParams,
  ials: { ...IALS_DEFAULTS, factors: 64, alpha0Ratio: 8, regStrength: 12 } satisfies IalsParams,
  ease: { lambda: 300, dropout: 0, maxItems: 3000 } satisfies EaseParams,
};

const IALS_BASE: IalsParams = { factors: 32, epochs: 8, alpha0: 0.1, lambda: 0.01, nu: 1, cgSteps: 3, initStd: 0.1, seed: 1 };
const RP3_BASE: ItemKnnParams = { similarity: 'rp3beta', neighbours: 300, alpha: 0.8, beta: 0.3, shrink: 0 };

export const BEST_SEARCH: AutoBlendSearch = {
  ease: [100, 300, 1000].map((lambda) => ({ lambda, dropout: 0, maxItems: 3000 })),
  ials: { base: IALS_BASE, alpha0Ratios: [8, 25, 60], baseStrength: 12, regStrengths: [6, 24] },
  rp3beta: [
    { alpha: 0.8, beta: 0.3 },
    { alpha: 0.6, beta: 0.3 },
    { alpha: 0.4, beta: 0.3 },
  ].map((p) => ({ ...RP3_BASE, ...p })),
  finalFactors: 64,
  finalEpochs: 16,
  weights: [0, 1]
    .flatMap((ease) => [0, 0.5, 1, 2].flatMap((ials) => [0, 0.25, 0.5, 1].map((rp3) => [ease, ials, rp3])))
    .filter((w) => w.some((x) => x > 0)),
  blendTolerance: 0.005,
  validationFraction: 0.2,
  validationSeed: 7,
  maxValidationUsers: 2000,
  k: 10,
};

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

export function createModel(name: ModelName): RetrievalModel {
  switch (name) {
    case 'popular':
      return new PopularModel();
    case 'item-knn':
      return new ItemKnnModel(SHIPPED.itemKnn);
    case 'rp3beta':
      return new ItemKnnModel(SHIPPED.rp3beta);
    case 'ials':
      return new IalsModel(SHIPPED.ials);
    case 'ease':
      return new EaseModel(SHIPPED.ease);
    case 'best':
      return new AutoBlendModel(BEST_SEARCH);
  }
}

/** Rebuilds a fitted model from its snapshot (see snapshot.ts for the bytes). */
export function modelFromSnapshot(snapshot: ModelSnapshot): RetrievalModel {
  switch (snapshot.model) {
    case 'popular':
      return PopularModel.fromSnapshot(snapshot);
    case 'item-knn':
    case 'rp3beta':
      return ItemKnnModel.fromSnapshot(snapshot);
    case 'ials':
      return IalsModel.fromSnapshot(snapshot);
    case 'ease':
      return EaseModel.fromSnapshot(snapshot);
    default: {
      if (!snapshot.parts) throw new Error(`unknown model "${snapshot.model}" in snapshot`);
      const weights = String(snapshot.params.weights).split(',').map(Number);
      return new EnsembleModel(
        snapshot.model,
        snapshot.parts.map((part, p) => ({ model: modelFromSnapshot(part), weight: weights[p] ?? 0 })),
      );
    }
  }
}
