/** `foryou serve` as a child process on a free loopback port: for the benchmark and for tests that kill it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/foryou.js', import.meta.url));

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** A key of role service the process accepts ($FORYOU_SERVICE_KEY: the one given in `env`, else a random one). */
  serviceKey: string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

export async function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const serviceKey = env.FORYOU_SERVICE_KEY ?? `bench-${randomBytes(24).toString('base64url')}`;
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, ...env, FORYOU_SERVICE_KEY: serviceKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /serving (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`foryou serve exited with ${code}: ${stderr}`)));
  });
  return { url, child, serviceKey, exited };
}
