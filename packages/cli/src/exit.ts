/** Thrown by a command to end the CLI with a specific exit code after it has printed what it had to say. */
export class CliExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}
