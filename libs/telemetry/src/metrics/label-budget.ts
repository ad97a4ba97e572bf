/** The label value that stands for every value past the budget, or that looks like an id. */
export const OTHER_LABEL = 'other';

const MAX_LABEL_LENGTH = 100;

/** A uuid, or a run of 16+ hex digits (trace ids, span ids, instance suffixes, hashes). */
const ID_LIKE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}/i;

/**
 * Keeps a label's cardinality bounded: the first `limit` distinct values are used as they are,
 * later ones become `other`. A value that looks like an id, or is too long to be a name, is
 * `other` from the start, so a pattern that embeds an id cannot create one series per message.
 */
export class LabelBudget {
  private readonly admitted = new Set<string>();

  constructor(readonly limit: number) {}

  /** `value` itself if it is (or can still become) one of the admitted values, else `other`. */
  admit(value: string): string {
    if (this.admitted.has(value)) return value;
    if (this.admitted.size >= this.limit || value.length > MAX_LABEL_LENGTH || ID_LIKE.test(value)) {
      return OTHER_LABEL;
    }
    this.admitted.add(value);
    return value;
  }

  /** Distinct values admitted so far. */
  get size(): number {
    return this.admitted.size;
  }
}
