import type { Command } from 'commander';

export function registerBench(program: Command): void {
  program.command('bench').description('(not yet available)').action(() => {
    throw new Error('bench is not available yet');
  });
}
