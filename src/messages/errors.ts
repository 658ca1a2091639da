/**
 * The errors a run reports as one line (cli.ts prints the message, never a stack): a value or an
 * option that is not accepted (OptionError, exit 1), a file we cannot use as input (InputError,
 * exit 2, as `go-minimal update` reports bad input).
 */

/** A value, an option or a state the run cannot go on with: the message is the whole story. */
export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/**
 * A flag that contradicts a value the preset locks. Its own name, so that `go-minimal update
 * --set` can say so in its words whichever copy of the package threw it.
 */
export class LockedError extends OptionError {
  constructor(
    message: string,
    readonly option: string,
    readonly locked: unknown,
    readonly file: string,
  ) {
    super(message);
    this.name = 'LockedError';
  }
}

/**
 * A file we were pointed at cannot be used as input: one line, exit 2 (bad input), nothing
 * written. The message names the file and says why in our own words, never with its content.
 */
export class InputError extends OptionError {
  readonly exitCode = 2;
}
