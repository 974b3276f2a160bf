#!/usr/bin/env node
import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Each command's module is loaded only when that command runs (all of them for help): `foryou import` need not
 * load the HTTP server or the models, which saves a noticeable part of a short command's run time.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve-command.js')).registerServe,
  import: async () => (await import('./import-command.js')).registerImport,
  simulate: async () => (await import('./simulate-command.js')).registerSimulate,
  bench: async () => (await import('./bench-command.js')).registerBench,
  eval: async () => (await import('./eval-command.js')).registerEval,
  train: async () => (await import('./train-command.js')).registerTrain,
  audit: async () => (await import('./audit-command.js')).registerAudit,
  keys: async () => (await import('./keys-command.js')).registerKeys,
};
/** Commands registered by another command's module. */
const PROVIDED_BY: Record<string, string> = { 'eval-report': 'eval', tune: 'eval', 'eval-scale': 'eval' };

async function main(): Promise<void> {
  const program = new Command('foryou')
    .description('foryou: an independent, auditable For-You feed engine for short-video apps')
    .version('0.1.0');
  const requested = process.argv[2] ?? '';
  const name = PROVIDED_BY[requested] ?? requested;
  const load = COMMANDS[name] ? [COMMANDS[name]] : Object.values(COMMANDS);
  for (const loader of load) (await loader())(program);
  await program.parseAsync(process.argv);
}

main().catch((error: unknown) => {
  console.error(`foryou: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
