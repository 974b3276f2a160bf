/** Metrics of probabilistic predictions against binary labels. */

/** Area under the ROC curve by ranks (ties share their mean rank); NaN without both classes. */
export function areaUnderCurve(scores: readonly number[], labels: readonly number[]): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) {
      if (labels[order[t]!] === 1) {
        positives++;
        rankSum += meanRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean binary cross-entropy, predictions clipped to [1e-7, 1 − 1e-7]. */
export function logLoss(predictions: readonly number[], labels: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, predictions[i]!));
    total -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return total / predictions.length;
}
