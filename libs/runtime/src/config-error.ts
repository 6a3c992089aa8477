/** One configuration key that is wrong, and why. */
export interface ConfigProblem {
  key: string;
  reason: string;
}

/**
 * Thrown when configuration is missing or invalid. The message names every
 * wrong key and why, so start-up fails with something an operator can act on.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.key}: ${p.reason}`).join('\n')}`,
    );
  }
}
