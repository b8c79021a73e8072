/**
 * Bad input from the user (a flag, a config file, a path, a checkpoint that does not fit):
 * the CLI prints `rnnlm: error: <problem>; <fix>` on one line and exits with code 2.
 */
export class UsageError extends Error {
  readonly problem: string;
  readonly fix: string;

  constructor(problem: string, fix: string, options?: { cause?: unknown }) {
    super(`${problem}; ${fix}`, options);
    this.name = "UsageError";
    this.problem = problem;
    this.fix = fix;
  }
}
