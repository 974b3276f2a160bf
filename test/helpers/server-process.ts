/** `foryou serve` as a child process (the built CLI), for tests that must kill the server; it accepts the test keys. */
import { spawnServe, type ServeProcess } from '../../src/bench/serve-process.js';
import { TEST_ADMIN_KEY, TEST_SERVICE_KEY } from './running-server.js';

export type ServerProcess = ServeProcess;

export function spawnServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  return spawnServe(args, { FORYOU_SERVICE_KEY: TEST_SERVICE_KEY, FORYOU_ADMIN_KEY: TEST_ADMIN_KEY, ...env });
}
