/** A metrics window that is not a duration the API understands. */
export class InvalidWindowError extends RangeError {
  constructor(readonly problem: string) {
    super(problem);
    this.name = InvalidWindowError.name;
  }
}
