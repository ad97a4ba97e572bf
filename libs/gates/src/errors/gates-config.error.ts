/** The gate thresholds file is not valid; the message names every problem in it. */
export class GatesConfigError extends Error {
  override readonly name = 'GatesConfigError';

  constructor(
    readonly problems: readonly string[],
    readonly source = 'gates.config.json',
  ) {
    super(
      `${source} is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        `\nFix ${source}; every field is described in libs/gates/README.md.`,
    );
  }
}
