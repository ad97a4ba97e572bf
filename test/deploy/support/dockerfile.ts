/**
 * Reads a Dockerfile into its stages, enough to check what each build target inherits: the base
 * image (with global ARG defaults substituted), the instructions of each stage, and the stage it
 * builds `FROM`. Follows the Dockerfile reference for what it covers: `\` line continuations,
 * `#` comment lines, case-insensitive instructions, `FROM <image> [AS <name>]`.
 */
export interface Instruction {
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  /** The image or earlier stage it starts from, ARG defaults substituted. */
  readonly from: string;
  /** The earlier stage it starts from, when `from` names one. */
  readonly parent?: Stage;
  readonly instructions: readonly Instruction[];
}

export class Dockerfile {
  readonly stages: readonly Stage[];

  constructor(readonly text: string) {
    this.stages = parseStages(splitInstructions(text));
  }

  stage(name: string): Stage {
    const stage = this.stages.find((candidate) => candidate.name === name);
    if (!stage) throw new Error(`the Dockerfile has no stage "${name}"`);
    return stage;
  }

  /** The stages a target is built from, its root first and itself last. */
  lineage(stage: Stage): Stage[] {
    return stage.parent ? [...this.lineage(stage.parent), stage] : [stage];
  }

  /** Every instruction a target inherits and runs, in order. */
  instructionsOf(stage: Stage, keyword?: string): Instruction[] {
    return this.lineage(stage)
      .flatMap((ancestor) => ancestor.instructions)
      .filter((instruction) => keyword === undefined || instruction.keyword === keyword.toUpperCase());
  }

  /** The last instruction of a kind in effect for a target (USER, CMD, ENTRYPOINT, HEALTHCHECK...). */
  effective(stage: Stage, keyword: string): Instruction | undefined {
    return this.instructionsOf(stage, keyword).at(-1);
  }

  /** The environment a target's containers start with (ENV instructions, later ones winning). */
  environment(stage: Stage): Record<string, string> {
    const env: Record<string, string> = {};
    for (const instruction of this.instructionsOf(stage, 'ENV')) {
      for (const [, key, quoted, bare] of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))/g)) {
        env[key] = quoted ?? bare ?? '';
      }
    }
    return env;
  }

  /** Stages that nothing else builds from or copies from: the images one can ship. */
  targets(): Stage[] {
    const used = new Set<string>();
    for (const stage of this.stages) {
      if (stage.parent) used.add(stage.parent.name);
      for (const copy of stage.instructions.filter((instruction) => instruction.keyword === 'COPY')) {
        const from = /--from=(\S+)/.exec(copy.args)?.[1];
        if (from) used.add(from);
      }
    }
    return this.stages.filter((stage) => !used.has(stage.name));
  }
}

/** The JSON array of an exec-form instruction (`CMD ["node", "main.js"]`), or undefined. */
export function execForm(args: string): string[] | undefined {
  const json = args.trim();
  if (!json.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined;
}

function splitInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (pending !== '' && line.trimStart().startsWith('#')) return; // comments inside a continuation
    if (pending === '') startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      return;
    }
    const full = `${pending}${line.trim()}`;
    pending = '';
    const match = /^(\S+)\s*(.*)$/.exec(full);
    if (match) instructions.push({ keyword: match[1].toUpperCase(), args: match[2], line: startLine });
  });
  if (pending !== '') throw new Error('the Dockerfile ends inside a line continuation');
  return instructions;
}

function parseStages(instructions: readonly Instruction[]): Stage[] {
  const globalArgs: Record<string, string> = {};
  const stages: { name: string; from: string; parent?: Stage; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match) throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      const from = match[1].replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => globalArgs[name] ?? '');
      const parent = stages.find((stage) => stage.name === from);
      stages.push({ name: match[2] ?? String(stages.length), from, parent, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`line ${instruction.line}: only ARG may precede FROM`);
      const [, name, value] = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(instruction.args) ?? [];
      if (name) globalArgs[name] = value ?? '';
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}
