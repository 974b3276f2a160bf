import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program.command('serve').description('(not yet available)').action(() => {
    throw new Error('serve is not available yet');
  });
}
