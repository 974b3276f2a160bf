import type { Command } from 'commander';

export function registerImport(program: Command): void {
  program.command('import').description('(not yet available)').action(() => {
    throw new Error('import is not available yet');
  });
}
