#!/usr/bin/env node
import { Command } from 'commander';
import { registerImport } from './import-command.js';
import { registerServe } from './serve-command.js';
import { registerSimulate } from './simulate-command.js';
import { registerBench } from './bench-command.js';
import { registerEval } from './eval-command.js';
import { registerTrain } from './train-command.js';

const program = new Command('foryou')
  .description('foryou: an independent, auditable For-You feed engine for short-video apps')
  .version('0.1.0');

registerServe(program);
registerImport(program);
registerSimulate(program);
registerBench(program);
registerEval(program);
registerTrain(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`foryou: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
