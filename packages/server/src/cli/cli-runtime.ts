import type { AppContext } from '../context.js';

/** Runs a command with a migrated runtime and closes it afterwards. */
export type CliRuntime = (work: (ctx: AppContext) => Promise<void>) => Promise<void>;
