import { describe, expect, it } from 'vitest';
import { progressiveValidation } from '../../src/eval/progressive-validation.js';
import { createWorld, generateEvents, groundTruthById } from '../../src/sim/index.js';

describe('progressive validation on the simulator stream', () => {
  const world = createWorld({ users: 1000, videos: 3000, seed: 11 });
  const events = [...generateEvents(world, 150_000)];
  const report = progressiveValidation(world.videos, world.users, events, {
    warmupEvents: 45_000,
    oracle: (user, video) => groundTruthById(world, user, video),
  });

  it('learns: P(like) and P(finish) rank views far better than chance', () => {
    expect(report.views).toBeGreaterThan(20_000);
    expect(report.online.like.auc).toBeGreaterThan(0.65);
    expect(report.online.finish.auc).toBeGreaterThan(0.7);
  });

  it('the online ranker beats the same ranker frozen after warm-up', () => {
    expect(report.online.like.auc).toBeGreaterThan(report.frozen.like.auc);
    expect(report.online.finish.auc).toBeGreaterThan(report.frozen.finish.auc);
    expect(report.online.finish.logLoss).toBeLessThan(report.frozen.finish.logLoss);
  });

  it('reports every head: AUC and log-loss for probabilities, RMSE for the watch ratio', () => {
    for (const head of ['play', 'finish', 'like', 'skip'] as const) {
      const scores = report.heads[head].online as { auc: number; logLoss: number; positives: number };
      expect(scores.positives).toBeGreaterThan(100);
      expect(scores.auc).toBeGreaterThan(0.6);
      expect(scores.logLoss).toBeGreaterThan(0);
    }
    const watch = report.heads.watchRatio;
    expect((watch.online as { rmse: number }).rmse).toBeLessThan((watch.frozen as { rmse: number }).rmse);
  });

  it('stays below the oracle (the simulator’s true probabilities)', () => {
    expect(report.oracle!.like.auc).toBeGreaterThan(report.online.like.auc);
    expect(report.oracle!.finish.auc).toBeGreaterThan(report.online.finish.auc);
  });
});
