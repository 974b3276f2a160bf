/**
 * Finding and running ffmpeg. Where it comes from, in order: `$FORYOU_FFMPEG` (when set, only that one: a wrong
 * setting is reported, not silently bypassed), the binary of the @ffmpeg-installer package, `ffmpeg` on the PATH.
 * A candidate counts only once it has answered `-version`.
 */
import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export const FFMPEG_ENV = 'FORYOU_FFMPEG';

/** No working ffmpeg: the message names every place looked at and why each failed. */
export class FfmpegMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FfmpegMissingError';
  }
}

/** Candidates that answered `-version` (a process-wide fact; failures are retried, since a fix needs no restart). */
const working = new Set<string>();

function installerBinary(): string | undefined {
  try {
    return (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return undefined; // not installed, or no build for this platform
  }
}

/** Undefined when `path` runs as ffmpeg; otherwise why not. */
function answersVersion(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['-hide_banner', '-version'], { timeout: 10_000 }, (error) => {
      if (!error) resolve(undefined);
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') resolve('not found');
      else resolve(error.message.split('\n')[0]);
    });
  });
}

/** The ffmpeg to run; throws FfmpegMissingError naming what is missing. */
export async function locateFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const configured = env[FFMPEG_ENV];
  const candidates: Array<[label: string, path: string]> = configured
    ? [[`$${FFMPEG_ENV}`, configured]]
    : [
        ['the @ffmpeg-installer/ffmpeg package', installerBinary() ?? ''],
        ['the PATH', 'ffmpeg'],
      ];
  const failures: string[] = [];
  for (const [label, path] of candidates) {
    if (path === '') {
      failures.push(`${label}: not installed for this platform`);
      continue;
    }
    if (working.has(path)) return path;
    const failure = await answersVersion(path);
    if (failure === undefined) {
      working.add(path);
      return path;
    }
    failures.push(`${label} (${path}): ${failure}`);
  }
  const hint = configured ? `fix or unset $${FFMPEG_ENV}` : `install ffmpeg or set $${FFMPEG_ENV} to its path`;
  throw new FfmpegMissingError(`ffmpeg is not available (${failures.join('; ')}): ${hint}`);
}

export interface FfmpegRun {
  code: number | null;
  /** ffmpeg reports (and `-i` describes its input) on stderr; the last 64 KiB are kept. */
  stderr: string;
}

const STDERR_KEPT = 64 * 1024;

/** Runs ffmpeg with `args` (never through a shell), killing it after `timeoutMs`. */
export function runFfmpeg(ffmpeg: string, args: readonly string[], timeoutMs = 60_000): Promise<FfmpegRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Runs ffmpeg and fails with its last lines of stderr unless it exits 0. */
export async function runFfmpegOrThrow(ffmpeg: string, args: readonly string[], what: string, timeoutMs?: number): Promise<void> {
  const run = await runFfmpeg(ffmpeg, args, timeoutMs);
  if (run.code !== 0) {
    const tail = run.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`ffmpeg could not ${what} (exit ${run.code}): ${tail}`);
  }
}
