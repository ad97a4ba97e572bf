import type { WorkflowTemplate } from '@cogo/contracts';

/** What the planner makes of an intent, before any step is built. */
export interface TemplateChoice {
  readonly template: WorkflowTemplate | null;
  readonly confidence: number;
  readonly reason: string;
  readonly scores: Readonly<Record<WorkflowTemplate, number>>;
  /** `clear`, `ambiguous` or `invalid`: why there is or is not a template. */
  readonly kind: 'clear' | 'ambiguous' | 'invalid';
}

interface Term {
  readonly pattern: RegExp;
  readonly weight: number;
}

/** Words that ask for an index of a code base. */
const INDEXING_TERMS: readonly Term[] = [
  { pattern: /^(re)?index(es|ed|ing)?$/, weight: 3 },
  { pattern: /^searchable$/, weight: 3 },
  { pattern: /^symbols?$/, weight: 2 },
  { pattern: /^(scan|crawl|catalog(ue)?)s?$/, weight: 2.5 },
  { pattern: /^exported$/, weight: 1 },
  { pattern: /^search$/, weight: 1 },
  { pattern: /^(walk|record|store|refresh)$/, weight: 1 },
  { pattern: /^interfaces$/, weight: 1 },
  { pattern: /^(list|declared)$/, weight: 0.5 },
];

/** Verbs that ask for new code. */
const CODEGEN_VERBS: readonly Term[] = [
  { pattern: /^(generat\w*|implement\w*|scaffold\w*|codegen)$/, weight: 3 },
  { pattern: /^(write|create|produce)s?$/, weight: 2 },
  { pattern: /^make$/, weight: 1.5 },
];

/** Words that ask for the code to be built and tested. */
const BUILD_TEST_TERMS: readonly Term[] = [
  { pattern: /^(compil\w*|tsc)$/, weight: 2 },
  { pattern: /^tests?$/, weight: 2 },
  { pattern: /^(build|jest)$/, weight: 1 },
];

/** Things code is made of; they only count next to a verb that asks for code. */
const CODE_NOUNS =
  /^(functions?|helpers?|modules?|class(es)?|utility|converter|validator|controller|service|parser|cache|queue|code)$/;

/** Requests that no workflow of this system may carry out. */
const REFUSED = [
  /\b(delete|drop|truncate|wipe|destroy)\b.*\b(database|table|tables|schema|production|prod)\b/,
  /\brm\s+-rf\b/,
  /\b(print|show|reveal|leak|dump)\b.*(key|secret|password|token|credential)s?\b/,
];

/** Below this score nothing was really asked for. */
const MIN_SCORE = 2.5;

/**
 * The deterministic planner: scores an intent against each workflow template with weighted
 * terms and picks the template only when one is clearly asked for. Two templates asked for at once,
 * or neither, is ambiguous; destructive or secret-seeking requests and text without words are
 * invalid. Pure, so the offline decision-quality gate can evaluate it on the labelled set.
 */
export function chooseTemplate(intent: string): TemplateChoice {
  const text = intent.trim().toLowerCase();
  const none = { indexing: 0, codeBuildTest: 0 };
  if (!/[a-z]{2,}/.test(text)) {
    return {
      template: null,
      confidence: 1,
      reason: 'The intent has no words to plan from.',
      scores: none,
      kind: 'invalid',
    };
  }
  if (REFUSED.some((pattern) => pattern.test(text))) {
    return {
      template: null,
      confidence: 1,
      reason: 'The intent asks for something destructive or secret that no workflow here will do.',
      scores: none,
      kind: 'invalid',
    };
  }
  const words = text.split(/[^a-z0-9]+/).filter(Boolean);
  const sum = (terms: readonly Term[]): number =>
    words.reduce((total, word) => total + (terms.find((term) => term.pattern.test(word))?.weight ?? 0), 0);
  const verbs = sum(CODEGEN_VERBS);
  const nouns = verbs > 0 ? words.filter((word) => CODE_NOUNS.test(word)).length : 0;
  const scores = { indexing: sum(INDEXING_TERMS), codeBuildTest: verbs + sum(BUILD_TEST_TERMS) + nouns };

  const ranked = (Object.entries(scores) as [WorkflowTemplate, number][]).sort((a, b) => b[1] - a[1]);
  const [[best, bestScore], [other, otherScore]] = ranked;
  if (bestScore < MIN_SCORE) {
    return {
      template: null,
      confidence: round(1 - bestScore / MIN_SCORE),
      reason: 'The intent does not say what to do: ask to index a repository, or to generate, build and test code.',
      scores,
      kind: 'ambiguous',
    };
  }
  if (otherScore >= MIN_SCORE) {
    return {
      template: null,
      confidence: round(otherScore / bestScore),
      reason: `The intent asks for both ${best} and ${other}; send them as two intents.`,
      scores,
      kind: 'ambiguous',
    };
  }
  return {
    template: best,
    confidence: round(bestScore / (bestScore + otherScore + 1)),
    reason: `"${best}" scored ${bestScore} against ${otherScore} for ${other}.`,
    scores,
    kind: 'clear',
  };
}

const round = (value: number): number => Math.round(value * 100) / 100;
