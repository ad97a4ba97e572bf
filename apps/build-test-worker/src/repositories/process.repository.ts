import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';

export interface ProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The child's whole environment: nothing is inherited from this process. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Bytes kept per stream; the rest is read and discarded so the child never blocks on a full pipe. */
  readonly maxOutputBytes: number;
  /** After the main process exits, how long its pipes may stay open (held by an escaped descendant). */
  readonly streamGraceMs: number;
  readonly signal?: AbortSignal;
}

export interface CapturedOutput {
  readonly text: string;
  /** Everything the child wrote, including what was discarded. */
  readonly bytes: number;
  readonly truncated: boolean;
}

export interface ProcessOutcome {
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly durationMs: number;
  readonly stdout: CapturedOutput;
  readonly stderr: CapturedOutput;
}

/**
 * Runs a child process in its own process group and always ends that whole group: on timeout,
 * on abort, and right after the main process exits (stragglers it left behind). Output is
 * captured up to a cap per stream.
 */
@Injectable()
export class ProcessRepository {
  /** Rejects only when the process could not be started at all (missing binary, bad cwd). */
  run(spec: ProcessSpec): Promise<ProcessOutcome> {
    return new Promise<ProcessOutcome>((resolve, reject) => {
      const started = performance.now();
      // detached: the child leads a new session and process group, so one kill(-pid) reaches
      // every descendant that did not deliberately leave it.
      const child = spawn(spec.command, [...spec.args], {
        cwd: spec.cwd,
        env: { ...spec.env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
      const stdout = new OutputCollector(spec.maxOutputBytes, 'stdout');
      const stderr = new OutputCollector(spec.maxOutputBytes, 'stderr');
      child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
      // A read error on a pipe must not become an uncaught exception of the worker.
      child.stdout.on('error', () => undefined);
      child.stderr.on('error', () => undefined);

      let timedOut = false;
      let aborted = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
      let settled = false;
      let graceTimer: NodeJS.Timeout | undefined;

      const killGroup = (): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // ESRCH: the group is already gone.
        }
      };
      const onAbort = (): void => {
        aborted = true;
        killGroup();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup();
      }, spec.timeoutMs);
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      if (spec.signal?.aborted) onAbort();

      const cleanUp = (): void => {
        clearTimeout(timer);
        clearTimeout(graceTimer);
        spec.signal?.removeEventListener('abort', onAbort);
      };
      const finish = (): void => {
        if (settled || !exit) return;
        settled = true;
        cleanUp();
        resolve({
          pid: child.pid ?? 0,
          exitCode: exit.code,
          signal: exit.signal,
          timedOut,
          aborted,
          durationMs: Math.round(exit.at - started),
          stdout: stdout.result(),
          stderr: stderr.result(),
        });
      };

      child.once('error', (error) => {
        if (settled || child.pid !== undefined) return;
        settled = true;
        cleanUp();
        reject(error);
      });
      child.once('exit', (code, signal) => {
        exit = { code, signal, at: performance.now() };
        clearTimeout(timer);
        killGroup();
        graceTimer = setTimeout(() => {
          // A descendant that left the group still holds the pipes: stop reading, do not wait for it.
          child.stdout.destroy();
          child.stderr.destroy();
          finish();
        }, spec.streamGraceMs);
      });
      child.once('close', finish);
    });
  }
}

/** Keeps the first `limit` bytes of a stream and counts the rest. */
class OutputCollector {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private total = 0;

  constructor(
    private readonly limit: number,
    private readonly stream: string,
  ) {}

  add(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }

  result(): CapturedOutput {
    const truncated = this.total > this.kept;
    let text = Buffer.concat(this.chunks).toString('utf8');
    if (truncated) {
      text += `\n[output truncated: ${this.stream} wrote ${this.total} bytes, only the first ${this.kept} were kept]\n`;
    }
    return { text, bytes: this.total, truncated };
  }
}
