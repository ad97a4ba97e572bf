import type { CodeSpecDto } from '@cogo/contracts';

/** The JSON body of one OpenAI-compatible `POST /chat/completions` call. */
export interface ChatCompletionRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: 'system' | 'user'; readonly content: string }[];
}

/**
 * The rules the model is given are the rules its answer is checked against
 * (`validateExpression`): one expression per function, nothing else.
 */
const SYSTEM_PROMPT = [
  'You write the bodies of TypeScript functions.',
  'Answer with ONLY a JSON object, without prose or code fences, exactly of this shape:',
  '{"functions":[{"name":"<function name>","body":"<one TypeScript expression>"}]}',
  'Give one entry for every function you are asked for, and no other entries.',
  'Each body is a single expression that becomes `return (<body>);` in a function with the given signature.',
  "A body may use only: the function's parameters; literals (numbers, strings, template, array, object literals);",
  'operators; properties and methods of the parameters\' values (e.g. s.split("").reverse().join(""));',
  'conditional expressions (a ? b : c); arrow functions with an expression body (e.g. xs.reduce((a, b) => a + b, 0));',
  'Math.* (e.g. Math.max(...xs)); and calls to the other functions listed.',
  'Index arrays only with numbers: a number parameter, a numeric literal, or arithmetic such as +i or i - 1.',
  'A body may NOT contain statements, semicolons, assignments, ++ or --, `new`, `this`, `function`, classes,',
  'or any other global (no require, process, globalThis, eval, Function, Object, Array, JSON, console).',
].join('\n');

/** The chat request asking `model` for the bodies of every function of `spec`. */
export function buildChatRequest(spec: CodeSpecDto, model: string): ChatCompletionRequest {
  const functions = spec.functions.map((fn) => {
    const signature = `function ${fn.name}(${fn.params.map((p) => `${p.name}: ${p.type}`).join(', ')}): ${fn.returns}`;
    const examples = fn.examples.map(
      (example) =>
        `  ${fn.name}(${example.args.map((arg) => JSON.stringify(arg)).join(', ')}) returns ${JSON.stringify(example.expected)}`,
    );
    return [
      signature,
      ...(fn.description ? [`  What it does: ${fn.description}`] : []),
      '  Examples:',
      ...examples,
    ].join('\n');
  });
  const user = [
    `Module "${spec.module}"${spec.description ? `: ${spec.description}` : ''}.`,
    `Write the body expression of each of these ${spec.functions.length} function(s):`,
    '',
    functions.join('\n\n'),
    '',
    `Answer with {"functions":[${spec.functions.map((fn) => `{"name":"${fn.name}","body":"..."}`).join(',')}]}`,
  ].join('\n');
  return {
    model,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: user },
    ],
  };
}
