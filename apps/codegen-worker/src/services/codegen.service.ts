import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { BusClient } from '@cogo/bus';
import {
  type CodegenCompletedEvent,
  type CodegenGenerateDto,
  type CodegenResult,
  Events,
  type GeneratorName,
} from '@cogo/contracts';
import type { CodeGenerator, GenerationContext } from '../generators/code-generator.interface';
import { CogoWorkerGenerator } from '../generators/cogo-worker.generator';
import { LlmGenerator } from '../generators/llm.generator';
import { TemplateGenerator } from '../generators/template.generator';
import { ArtifactRepository } from '../repositories/artifact.repository';
import { validateSpec } from '../spec/spec.validator';
import { renderWorkspace } from '../workspace/workspace.renderer';

/**
 * `codegen.generate`: checks the spec, lets the chosen generator write the implementation, adds
 * the build files and the example tests, writes the workspace `<trace_id>/<module>` under
 * ARTIFACTS_BASE and publishes `codegen.completed`.
 *
 * A redelivered request rewrites the same workspace and publishes again: the build-test step
 * reads whatever workspace is in place, which is always a complete one.
 */
@Injectable()
export class CodegenService {
  private readonly logger = new Logger(CodegenService.name);
  private readonly generators: Readonly<Record<GeneratorName, CodeGenerator>>;

  constructor(
    template: TemplateGenerator,
    llm: LlmGenerator,
    cogoWorker: CogoWorkerGenerator,
    private readonly artifacts: ArtifactRepository,
    private readonly bus: BusClient,
  ) {
    this.generators = { template, llm, 'cogo-worker': cogoWorker };
  }

  async generate(request: CodegenGenerateDto, context: GenerationContext): Promise<CodegenResult> {
    const generator = request.generator ?? 'template';
    const { spec } = request;
    validateSpec(spec);
    const generated = await this.generators[generator].generate(spec, context);
    const files = renderWorkspace(spec, generated.files);
    const workspace = `${context.traceId}/${spec.module}`;
    await this.artifacts.writeWorkspace(workspace, files);

    const completed: CodegenCompletedEvent = { workspace, generator, files: files.length };
    await lastValueFrom(this.bus.emit(Events.CodegenCompleted, completed));
    this.logger.log(`wrote ${workspace} with the ${generator} generator (${files.length} files)`);
    return {
      workspace,
      generator,
      files: files.map((file) => {
        const bytes = Buffer.from(file.content, 'utf8');
        return { path: file.path, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
      }),
    };
  }
}
