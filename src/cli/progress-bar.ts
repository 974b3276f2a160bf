/**
 * A progress bar on stderr (cli-progress) that also carries log lines: messages printed while the bar is drawn go
 * above it instead of tearing it. When stderr is not a terminal there is no bar, and lines are written plainly.
 */
import cliProgress from 'cli-progress';

export interface ProgressBar {
  /** Sets the amount done. */
  update(value: number): void;
  increment(delta: number): void;
  /** Prints one line on stderr. */
  log(line: string): void;
  stop(): void;
}

export function startProgressBar(total: number, label: string, unit: 'count' | 'bytes' = 'count'): ProgressBar {
  if (!process.stderr.isTTY) {
    return { update() {}, increment() {}, log: (line) => void process.stderr.write(line + '\n'), stop() {} };
  }
  const show = (value: number) => (unit === 'bytes' ? `${(value / 1_048_576).toFixed(1)} MB` : String(value));
  const multibar = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {done} / {all} | {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = multibar.create(total, 0, { done: show(0), all: show(total) });
  let value = 0;
  return {
    update(next) {
      value = next;
      bar.update(value, { done: show(value) });
    },
    increment(delta) {
      this.update(value + delta);
    },
    log: (line) => multibar.log(line + '\n'),
    stop: () => multibar.stop(),
  };
}
