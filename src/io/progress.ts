/**
 * How far a run's writing got, for the bin's signal handler (cli.ts). The writes (commit.ts,
 * update/apply.ts) are synchronous, so a handler runs either before the first file (`pending`:
 * nothing was written) or after the last (`done`). A module of its own, without imports, so the
 * bin reads it without loading yeoman.
 */
export const writeProgress: { state: 'pending' | 'done'; files: number } = { state: 'pending', files: 0 };

/** Records that every file of the run was written. */
export function writingDone(files: number): void {
  writeProgress.state = 'done';
  writeProgress.files = files;
}
