/** The ranker's prediction heads: what it predicts for a (user, video) pair. */
export const HEADS = [
  'play',
  'watchRatio',
  'finish',
  'like',
  'share',
  'comment',
  'follow',
  'skip',
  'notInterested',
] as const;
export type Head = (typeof HEADS)[number];
export const HEAD_COUNT = HEADS.length;
export const HEAD_INDEX: Readonly<Record<Head, number>> = Object.fromEntries(HEADS.map((h, i) => [h, i])) as Record<
  Head,
  number
>;

/** Regression heads (squared loss, linear output); every other head is a probability (logistic loss). */
export const REGRESSION_HEADS: ReadonlySet<Head> = new Set(['watchRatio']);

/**
 * Heads whose positive label arrives after the exposure that already counted as a negative (a like after the play
 * that was learned as "no like"). Learned with fake-negative calibration: the raw output p′ estimates
 * rate / (1 + rate), so the calibrated probability is p′ / (1 − p′).
 */
export const DELAYED_HEADS: ReadonlySet<Head> = new Set(['play', 'like', 'share', 'comment', 'follow', 'notInterested']);

/** Watch ratios above this are clipped as targets: loops of a short clip say little more. */
export const MAX_WATCH_RATIO_TARGET = 3;
