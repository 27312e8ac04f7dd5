import type { Command } from 'commander';

/** Lists a public command that later work will build, and says so plainly when it is run. */
export function registerNotYetBuilt(
  program: Command,
  spec: string,
  description: string,
  arrivesWith: string,
): void {
  program
    .command(spec)
    .description(`${description} [not built yet: ${arrivesWith}]`)
    .allowUnknownOption()
    .action(() => {
      process.stderr.write(`vigil ${spec.split(' ')[0]}: not built yet; it arrives with ${arrivesWith}.\n`);
      process.exitCode = 2;
    });
}
