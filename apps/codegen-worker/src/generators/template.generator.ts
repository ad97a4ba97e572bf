import { Injectable } from '@nestjs/common';
import type { CodeSpecDto } from '@cogo/contracts';
import { InvalidSpecException } from '../errors/invalid-spec.exception';
import { loadExpressionValidator } from '../expression/load-expression-validator';
import { renderModuleSource } from '../workspace/module-source.renderer';
import type { CodeGenerator, GeneratedModule } from './code-generator.interface';

/**
 * The deterministic generator: each function's body is the spec's own `expression`, checked
 * against the expression rules. Same spec, byte-identical module.
 */
@Injectable()
export class TemplateGenerator implements CodeGenerator {
  readonly name = 'template';

  generate(spec: CodeSpecDto): Promise<GeneratedModule> {
    const expressions = new Map<string, string>();
    const problems: string[] = [];
    for (const fn of spec.functions) {
      if (fn.expression === undefined) {
        problems.push(`function "${fn.name}" has no expression: give an expression or use generator "llm"`);
        continue;
      }
      const { scopeFor, validateExpression } = loadExpressionValidator();
      const check = validateExpression(fn.expression, scopeFor(spec, fn));
      if (check.ok) expressions.set(fn.name, check.expression);
      else problems.push(`function "${fn.name}": the expression is not allowed at "${check.token}": ${check.reason}`);
    }
    if (problems.length > 0) {
      return Promise.reject(new InvalidSpecException(problems.join('; '), { problems }));
    }
    return Promise.resolve({ files: [renderModuleSource(spec, expressions, this.name)] });
  }
}
