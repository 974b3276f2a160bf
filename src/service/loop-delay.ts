/**
 * How long the event loop was held up (perf_hooks.monitorEventLoopDelay), from when the service is ready: a feed or
 * an acknowledgement waits at least that long behind whatever held it. Start-up replay is not counted: the port
 * answers 503 while it runs.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * The sampling timer's period. At 10 ms an idle loop already read up to 20 ms (measured); at 1–2 ms a 30 ms block
 * reads 31 ms and an idle loop under 1 ms, for a timer wake-up every period.
 */
const RESOLUTION_MS = 2;

export interface LoopDelaySummary {
  /** The longest pause seen. */
  maxMs: number;
  p99Ms: number;
  meanMs: number;
  /** Since when (ms since the epoch) pauses are counted. */
  sinceMs: number;
}

export class LoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly since = Date.now();

  constructor() {
    this.histogram.enable();
  }

  summary(): LoopDelaySummary {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    return {
      maxMs: ms(this.histogram.max),
      p99Ms: ms(this.histogram.percentile(99)),
      meanMs: ms(this.histogram.mean),
      sinceMs: this.since,
    };
  }

  stop(): void {
    this.histogram.disable();
  }
}
