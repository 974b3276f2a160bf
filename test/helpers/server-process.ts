/** `foryou serve` as a child process (the built CLI), for tests that must kill the server. */
export { spawnServe as spawnServer, type ServeProcess as ServerProcess } from '../../src/bench/serve-process.js';
