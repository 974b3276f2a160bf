/**
 * The progress display of long evaluation and training runs: one cli-progress bar on stderr, relabelled per
 * stage ("ease", "ials", "rank" …). Nothing is drawn when stderr is not a terminal, so scripted runs and tests
 * see clean output; stdout is never touched.
 */
import cliProgress from 'cli-progress';

export interface StageProgress {
  update(stage: string, done: number, total: number): void;
  stop(): void;
}

export function stageProgress(enabled = process.stderr.isTTY === true): StageProgress {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{stage} [{bar}] {percentage}% | {value}/{total} | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let current: string | undefined;
  return {
    update(stage, done, total) {
      if (stage !== current) {
        if (current !== undefined) bar.stop();
        current = stage;
        bar.start(Math.max(1, total), 0, { stage: stage.padEnd(8) });
      }
      bar.setTotal(Math.max(1, total));
      bar.update(Math.min(done, total), { stage: stage.padEnd(8) });
    },
    stop() {
      if (current !== undefined) bar.stop();
      current = undefined;
    },
  };
}
