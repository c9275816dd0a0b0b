/** A setting that cannot be used. The message names the variable and how to fix it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
    fix: string,
  ) {
    super(`${variable}: ${problem}. Fix: ${fix}`);
    this.name = 'ConfigError';
  }
}
