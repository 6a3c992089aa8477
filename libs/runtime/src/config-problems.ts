import { ConfigError, type ConfigProblem } from './config-error';

/**
 * Collects the problems of several configuration loads, so that one start-up
 * error names every wrong key, not only those of the first part that failed.
 */
export class ConfigProblems {
  readonly problems: ConfigProblem[] = [];

  /** Runs `load`; a ConfigError's problems are kept and undefined is returned. Other errors pass. */
  attempt<T>(load: () => T): T | undefined {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.problems.push(...error.problems);
      return undefined;
    }
  }
}
