import type { Command } from 'commander';

export function registerSimulate(program: Command): void {
  program.command('simulate').description('(not yet available)').action(() => {
    throw new Error('simulate is not available yet');
  });
}
