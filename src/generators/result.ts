/**
 * A run's result for the bin (cli.ts): the one-line summary and the replay command, which the bin
 * prints on stdout, so a script can read them while files and notes stay on stderr as yeoman
 * prints them. Under yo (no bin) the generator logs them with the rest. No imports: the bin reads
 * this without loading yeoman.
 */
export interface RunResult {
  /** e.g. `Created svc (example.com/svc), Go 1.26, scratch image, port 8080.` */
  summary: string;
  /** The non-interactive command that replays the run. */
  replay: string;
}

export const runResult: { value?: RunResult } = {};

/** The option the bin passes so that the generator hands its result over instead of logging it. */
export const RESULT_TO_BIN = 'goMinimalResultToBin';
