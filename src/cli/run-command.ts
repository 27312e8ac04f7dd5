import { ConfigError } from '../config/config-error.js';
import { isAppError } from '../shared/app-error.js';

/**
 * The one place a CLI failure becomes a message and an exit code: configuration errors name their
 * variables (exit 78, EX_CONFIG), our coded errors print their code, anything else its message.
 */
export async function runCommand(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`vigil: ${error.message}\n`);
      process.exitCode = 78;
    } else if (isAppError(error)) {
      process.stderr.write(`vigil: ${error.code}: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`vigil: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
