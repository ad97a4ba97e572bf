import { basename, dirname, join } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SandboxUnavailableException } from '../errors/sandbox-unavailable.exception';
import { ProcessRepository, type ProcessOutcome } from '../repositories/process.repository';
import { ToolchainRepository } from '../repositories/toolchain.repository';
import { WorkspaceRepository } from '../repositories/workspace.repository';
import { SANDBOX_OPTIONS, type SandboxOptions } from '../sandbox.options';

/** What a handler passes down: the trace for logs, and the lease's abort signal. */
export interface RunContext {
  readonly traceId?: string;
  readonly signal?: AbortSignal;
}

export interface SandboxRunSpec {
  /** Canonical workspace directory: the child's cwd, HOME, and the parent of its TMPDIR. */
  readonly workspaceDir: string;
  /** Arguments of `node` after the sandbox's own flags: a script and its arguments, or `--test ...`. */
  readonly nodeArgs: readonly string[];
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface SandboxPlan {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** Human-readable, for the log: which limits apply and how they are enforced. */
  readonly limits: readonly string[];
}

export interface SandboxRun extends ProcessOutcome {
  /** The full log of the run: command, limits, outcome, stdout and stderr. Holds no environment values. */
  readonly log: string;
}

const MB = 1024 * 1024;
/** Fixed, not inherited: the worker's PATH may name directories the sandbox has no business in. */
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * Runs Node (tsc, the test runner) on a workspace with limits: a wall-clock timeout that kills the
 * whole process group, a V8 heap cap, rlimits on memory, file size, open files, CPU and core
 * dumps (`prlimit`), a backstop kill that outlives this worker (coreutils `timeout`), and an
 * environment built from nothing, so no secret of the worker reaches the child.
 */
@Injectable()
export class SandboxService implements OnModuleInit {
  private readonly logger = new Logger(SandboxService.name);
  private tools?: { prlimit?: string; timeout?: string };

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    private readonly toolchain: ToolchainRepository,
    private readonly processes: ProcessRepository,
    private readonly workspaces: WorkspaceRepository,
  ) {}

  onModuleInit(): void {
    const { prlimit, timeout } = this.enforcers();
    if (!prlimit) {
      this.logger.warn(
        'prlimit (util-linux) not found: sandboxed processes get only the V8 heap cap, no rlimits on memory, file size, open files or CPU. Install util-linux in the worker image.',
      );
    }
    if (!timeout) {
      this.logger.warn(
        'timeout (coreutils) not found: a sandboxed process survives this worker if the worker dies mid-run. Install coreutils in the worker image.',
      );
    }
  }

  /** The exact command, environment and limits a run would use. */
  plan(spec: SandboxRunSpec): SandboxPlan {
    const { prlimit, timeout } = this.enforcers();
    const node = this.toolchain.nodeExecutable();
    const { heapMb, dataMb, fileSizeMb, openFiles, backstopGraceMs } = this.options;
    const backstopSeconds = Math.ceil((spec.timeoutMs + backstopGraceMs) / 1000);
    // RLIMIT_CPU counts per process and includes GC threads, so it gets twice the wall budget:
    // it only has to stop a spinning process whose worker is gone.
    const cpuSeconds = 2 * backstopSeconds;

    const limits = [
      `wall clock ${spec.timeoutMs} ms, then SIGKILL to the process group`,
      `V8 heap ${heapMb} MB per Node process (--max-old-space-size)`,
    ];
    let command = node;
    let args: string[] = [`--max-old-space-size=${heapMb}`, ...spec.nodeArgs];
    if (timeout) {
      args = ['--signal=KILL', String(backstopSeconds), command, ...args];
      command = timeout;
      limits.push(`backstop: coreutils timeout kills the group after ${backstopSeconds} s even if the worker is gone`);
    }
    if (prlimit) {
      args = [
        '--core=0',
        `--data=${dataMb * MB}`,
        `--fsize=${fileSizeMb * MB}`,
        `--nofile=${openFiles}`,
        `--cpu=${cpuSeconds}`,
        '--',
        command,
        ...args,
      ];
      command = prlimit;
      limits.push(
        `rlimits per process (prlimit): data ${dataMb} MB, file size ${fileSizeMb} MB, ${openFiles} open files, CPU ${cpuSeconds} s, no core dumps`,
      );
    } else {
      limits.push('no rlimits: prlimit is not installed');
    }
    return {
      command,
      args,
      cwd: spec.workspaceDir,
      env: {
        PATH: `${dirname(node)}:${SYSTEM_PATH}`,
        LANG: 'C.UTF-8',
        HOME: spec.workspaceDir,
        TMPDIR: join(spec.workspaceDir, '.tmp'),
      },
      limits,
    };
  }

  async run(spec: SandboxRunSpec): Promise<SandboxRun> {
    const plan = this.plan(spec);
    await this.workspaces.prepareDirectory(plan.env.TMPDIR);
    let outcome: ProcessOutcome;
    try {
      outcome = await this.processes.run({
        command: plan.command,
        args: plan.args,
        cwd: plan.cwd,
        env: plan.env,
        timeoutMs: spec.timeoutMs,
        maxOutputBytes: this.options.maxOutputBytes,
        streamGraceMs: this.options.streamGraceMs,
        signal: spec.signal,
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new SandboxUnavailableException(
        `could not start ${basename(plan.command)} in the sandbox (${code})`,
        'Check that this worker image has Node.js, util-linux (prlimit) and coreutils (timeout), and that the worker may read the workspace.',
      );
    }
    return { ...outcome, log: renderLog(plan, outcome) };
  }

  private enforcers(): { prlimit?: string; timeout?: string } {
    this.tools ??= {
      prlimit: this.toolchain.findExecutable('prlimit'),
      timeout: this.toolchain.findExecutable('timeout'),
    };
    return this.tools;
  }
}

function renderLog(plan: SandboxPlan, outcome: ProcessOutcome): string {
  const ending = outcome.timedOut
    ? 'killed: timed out'
    : outcome.aborted
      ? 'killed: aborted (lease lost or shutdown)'
      : outcome.signal
        ? `killed by ${outcome.signal}`
        : `exit code ${outcome.exitCode}`;
  return [
    `$ ${[plan.command, ...plan.args].join(' ')}`,
    `cwd: ${plan.cwd}`,
    `environment: ${Object.keys(plan.env).join(', ')} (nothing else)`,
    ...plan.limits.map((limit) => `limit: ${limit}`),
    `pid: ${outcome.pid}`,
    `outcome: ${ending} after ${outcome.durationMs} ms`,
    '',
    `----- stdout (${outcome.stdout.bytes} bytes${outcome.stdout.truncated ? ', truncated' : ''}) -----`,
    outcome.stdout.text,
    `----- stderr (${outcome.stderr.bytes} bytes${outcome.stderr.truncated ? ', truncated' : ''}) -----`,
    outcome.stderr.text,
  ].join('\n');
}
