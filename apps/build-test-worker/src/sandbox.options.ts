/** Injection token of the `SandboxOptions` of this worker. */
export const SANDBOX_OPTIONS = Symbol('SANDBOX_OPTIONS');

/** Limits of every child process the worker runs (tsc, the test runner and its test processes). */
export interface SandboxOptions {
  /** Wall-clock limit when the request names none (`timeoutMs` of the DTO). */
  readonly defaultTimeoutMs: number;
  /** V8 old-space limit of every Node process in the sandbox (`--max-old-space-size`). */
  readonly heapMb: number;
  /**
   * RLIMIT_DATA of every process (via `prlimit`): all writable private memory, so it also bounds
   * `Buffer`/`ArrayBuffer` allocations and native memory that the V8 heap limit does not see.
   */
  readonly dataMb: number;
  /** RLIMIT_FSIZE: the largest file a child may write. */
  readonly fileSizeMb: number;
  /** RLIMIT_NOFILE: open file descriptors per process. */
  readonly openFiles: number;
  /** Captured per stream (stdout, stderr); the rest is discarded behind a marker. */
  readonly maxOutputBytes: number;
  /**
   * The sandbox kills its own process group this long after the timeout (coreutils `timeout`) and
   * stops using CPU after a proportional budget (RLIMIT_CPU): a backstop for when this worker dies
   * and cannot kill it.
   */
  readonly backstopGraceMs: number;
  /** After the main process exits, how long to wait for its output pipes to close. */
  readonly streamGraceMs: number;
}

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = {
  defaultTimeoutMs: 60_000,
  heapMb: 512,
  dataMb: 1_024,
  fileSizeMb: 256,
  openFiles: 1_024,
  maxOutputBytes: 5 * 1024 * 1024,
  backstopGraceMs: 5_000,
  streamGraceMs: 1_000,
};
