/**
 * Finding and running ffmpeg and ffprobe. Where each comes from, in order: its environment variable (`$FORYOU_FFMPEG`,
 * `$FORYOU_FFPROBE`; when set, only that one: a wrong setting is reported, not silently bypassed), the system's on
 * the PATH (kept up to date by the operating system's security updates: what an operator should install), then the
 * static build an npm package ships (@ffmpeg-installer's ffmpeg of 2018, @ffprobe-installer's ffprobe of 2023), so
 * that a fresh `npm install` works. A candidate counts only once it has answered `-version`.
 *
 * The 2018 ffmpeg is unmaintained: it renders the demo's clips from ffmpeg's built-in sources, and never decodes a
 * file someone uploaded (`locateMaintainedFfmpeg` skips it; uploads are then published without a thumbnail).
 */
import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';

export type MediaTool = 'ffmpeg' | 'ffprobe';

const TOOLS: Record<MediaTool, { env: string; npmPackage: string }> = {
  ffmpeg: { env: 'FORYOU_FFMPEG', npmPackage: '@ffmpeg-installer/ffmpeg' },
  ffprobe: { env: 'FORYOU_FFPROBE', npmPackage: '@ffprobe-installer/ffprobe' },
};

export const FFMPEG_ENV = TOOLS.ffmpeg.env;
export const FFPROBE_ENV = TOOLS.ffprobe.env;

/** No working ffmpeg or ffprobe: the message names every place looked at and why each failed. */
export class FfmpegMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FfmpegMissingError';
  }
}

/** Candidates that answered `-version` (a process-wide fact; failures are retried, since a fix needs no restart). */
const working = new Set<string>();

function packagedBinary(npmPackage: string): string | undefined {
  try {
    return (createRequire(import.meta.url)(npmPackage) as { path: string }).path;
  } catch {
    return undefined; // not installed, or no build for this platform
  }
}

/** Undefined when `path` (looked up on `env`'s PATH when bare) runs and answers `-version`; otherwise why not. */
function answersVersion(path: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['-hide_banner', '-version'], { timeout: 10_000, env }, (error) => {
      if (!error) resolve(undefined);
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') resolve('not found');
      else resolve(error.message.split('\n')[0]);
    });
  });
}

/** The binary of `tool` to run; throws FfmpegMissingError naming what is missing. */
export async function locateTool(tool: MediaTool, env: NodeJS.ProcessEnv = process.env, { packaged = true } = {}): Promise<string> {
  const { env: variable, npmPackage } = TOOLS[tool];
  const configured = env[variable];
  const candidates: Array<[label: string, path: string]> = configured
    ? [[`$${variable}`, configured]]
    : [['the PATH', tool], ...(packaged ? [[`the ${npmPackage} package`, packagedBinary(npmPackage) ?? ''] as [string, string]] : [])];
  const failures: string[] = [];
  for (const [label, path] of candidates) {
    if (path === '') {
      failures.push(`${label}: not installed for this platform`);
      continue;
    }
    // A bare name is found on the PATH of `env`: the same name is another program under another PATH.
    const key = `${path}\0${env.PATH ?? ''}`;
    if (working.has(key)) return path;
    const failure = await answersVersion(path, env);
    if (failure === undefined) {
      working.add(key);
      return path;
    }
    failures.push(`${label} (${path}): ${failure}`);
  }
  const hint = configured ? `fix or unset $${variable}` : `install ${tool} or set $${variable} to its path`;
  throw new FfmpegMissingError(`${tool} is not available (${failures.join('; ')}): ${hint}`);
}

/** The ffmpeg to run; throws FfmpegMissingError naming what is missing. */
export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return locateTool('ffmpeg', env);
}

/**
 * An ffmpeg kept up to date — `$FORYOU_FFMPEG` or the system's on the PATH — to decode uploaded files with, or
 * undefined when there is only the npm package's build of 2018.
 */
export async function locateMaintainedFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  try {
    return await locateTool('ffmpeg', env, { packaged: false });
  } catch (error) {
    if (error instanceof FfmpegMissingError) return undefined;
    throw error;
  }
}

/** The ffprobe to run (uploads are probed by it); throws FfmpegMissingError naming what is missing. */
export function locateFfprobe(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return locateTool('ffprobe', env);
}

/**
 * Runs a media tool at a low CPU priority (nice 10, a tenth of a normal share when the cores are busy): probing and thumbnailing uploads is work that can wait, feeds cannot
 * (two uploads at a time held other users' feed p99 above 100 ms on two cores at normal priority).
 */
function yieldToServing(pid: number | undefined): void {
  if (pid === undefined) return; // the spawn failed: its 'error' event reports it
  try {
    setPriority(pid, 10);
  } catch {
    // the process already exited, or the platform refuses: it then runs at normal priority
  }
}

export interface FfmpegRun {
  code: number | null;
  /** ffmpeg reports (and `-i` describes its input) on stderr; the last 64 KiB are kept. */
  stderr: string;
}

const STDERR_KEPT = 64 * 1024;

/** Runs ffmpeg with `args` (never through a shell), killing it after `timeoutMs`. */
export async function runFfmpeg(ffmpeg: string, args: readonly string[], timeoutMs = 60_000): Promise<FfmpegRun> {
  const { code, stderr } = await runTool(ffmpeg, ['-hide_banner', '-nostdin', ...args], timeoutMs, false);
  return { code, stderr };
}

/** Runs ffmpeg and fails with its last lines of stderr unless it exits 0. */
export async function runFfmpegOrThrow(ffmpeg: string, args: readonly string[], what: string, timeoutMs?: number): Promise<void> {
  const run = await runFfmpeg(ffmpeg, args, timeoutMs);
  if (run.code !== 0) {
    const tail = run.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`ffmpeg could not ${what} (exit ${run.code}): ${tail}`);
  }
}

export interface FfprobeRun extends FfmpegRun {
  /** What ffprobe printed (its JSON or CSV report), the first 16 MiB. */
  stdout: string;
}

const STDOUT_KEPT = 16 * 1024 * 1024;

/** Runs ffprobe with `args` (never through a shell), killing it after `timeoutMs`. */
export function runFfprobe(ffprobe: string, args: readonly string[], timeoutMs = 60_000): Promise<FfprobeRun> {
  return runTool(ffprobe, ['-hide_banner', ...args], timeoutMs, true);
}

/** Spawns a media tool at low priority, keeping the tail of its stderr (and, if asked, the head of its stdout). */
function runTool(path: string, args: readonly string[], timeoutMs: number, readStdout: boolean): Promise<FfprobeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', readStdout ? 'pipe' : 'ignore', 'pipe'] });
    yieldToServing(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (stdout.length < STDOUT_KEPT) stdout += chunk;
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
