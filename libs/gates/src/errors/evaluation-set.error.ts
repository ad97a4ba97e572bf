/** The labelled evaluation set is not valid; the message names every bad entry by index and intent. */
export class EvaluationSetError extends Error {
  override readonly name = 'EvaluationSetError';

  constructor(
    readonly problems: readonly string[],
    readonly source = 'intents.eval.json',
  ) {
    super(
      `${source} is not a valid evaluation set (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        `\nFix these entries; each must be {intent, expected, kind, note?} as described in libs/gates/README.md.`,
    );
  }
}
