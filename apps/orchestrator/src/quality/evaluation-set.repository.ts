import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Injectable } from '@nestjs/common';
import { PermanentRpcException } from '@cogo/bus';
import { EVALUATION_SET_PATH, type EvaluationCase, parseEvaluationSet } from '@cogo/gates';

/** The labelled intents the planner is scored on, read from the repository (relative to the working directory). */
@Injectable()
export class EvaluationSetRepository {
  readonly path = EVALUATION_SET_PATH;

  async load(): Promise<EvaluationCase[]> {
    let text: string;
    try {
      text = await readFile(resolve(this.path), 'utf8');
    } catch (error) {
      throw new PermanentRpcException(
        'EVALUATION_SET_UNAVAILABLE',
        `The labelled evaluation set ${this.path} cannot be read (${error instanceof Error ? error.message : String(error)}); run the orchestrator from the repository root.`,
      );
    }
    return parseEvaluationSet(JSON.parse(text), this.path);
  }
}
