/**
 * The `filter` of a postgres_changes binding: `column=operator.value`, several joined by commas
 * (AND), any operator negatable with `not.`, values with `,()"\` double-quoted PostgREST-style.
 * The operators are the ones realtime-js documents for Postgres Changes.
 */

export type FilterOperator =
  'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'like' | 'ilike' | 'is' | 'match' | 'imatch' | 'isdistinct';

const OPERATORS: readonly FilterOperator[] = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'like',
  'ilike',
  'is',
  'match',
  'imatch',
  'isdistinct',
];

export interface FilterCondition {
  readonly column: string;
  readonly operator: FilterOperator;
  readonly negated: boolean;
  /** One value, or the list of an `in`. */
  readonly values: readonly string[];
}

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
}

export function parseFilter(filter: string | undefined | null): FilterCondition[] {
  if (filter === undefined || filter === null || filter.trim() === '') return [];
  return splitOutside(filter, ',').map(parseCondition);
}

function parseCondition(text: string): FilterCondition {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new FilterSyntaxError(`Filter condition "${text}" is not column=operator.value`);
  const column = text.slice(0, equals).trim();
  let rest = text.slice(equals + 1);
  let negated = false;
  if (rest.startsWith('not.')) {
    negated = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const operator = (dot < 0 ? rest : rest.slice(0, dot)) as FilterOperator;
  if (dot < 0 || !OPERATORS.includes(operator)) {
    throw new FilterSyntaxError(`Filter condition "${text}" has no known operator (${OPERATORS.join(', ')})`);
  }
  const raw = rest.slice(dot + 1);
  if (operator === 'in') {
    if (!raw.startsWith('(') || !raw.endsWith(')')) {
      throw new FilterSyntaxError(`An in filter lists its values in parentheses: "${text}"`);
    }
    const values = splitOutside(raw.slice(1, -1), ',').map(unquote);
    if (values.length === 0) throw new FilterSyntaxError(`An in filter needs at least one value: "${text}"`);
    return { column, operator, negated, values };
  }
  if (operator === 'is' && !['null', 'true', 'false', 'unknown'].includes(raw)) {
    throw new FilterSyntaxError(`An is filter takes null, true, false or unknown: "${text}"`);
  }
  return { column, operator, negated, values: [unquote(raw)] };
}

/** Splits on `separator` where it is outside double quotes and parentheses. */
function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1];
      i += 1;
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '(') depth += 1;
    else if (!quoted && char === ')') depth -= 1;
    if (!quoted && depth === 0 && char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (quoted || depth !== 0) throw new FilterSyntaxError(`Unbalanced quotes or parentheses in filter "${text}"`);
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

/** A column of the subscribed table, with the SQL type a filter value is cast to. */
export interface FilterColumn {
  readonly name: string;
  /** The column's type with domains resolved to their base type, as `format_type` spells it. */
  readonly sqlType: string;
}

/**
 * SQL for the conditions against the row alias `t`. Parameters are appended to `params`, so the
 * caller can combine several filters in one statement. Values are cast to the column's type, as
 * realtime's `check_equality_op` does, so `id=eq.5` compares numbers.
 */
export function filterSql(
  conditions: readonly FilterCondition[],
  columns: ReadonlyMap<string, FilterColumn>,
  params: unknown[],
): string {
  if (conditions.length === 0) return 'true';
  return conditions
    .map((condition) => {
      const column = columns.get(condition.column);
      if (!column) throw new FilterSyntaxError(`Filter column "${condition.column}" does not exist`);
      const expression = conditionSql(condition, column, params);
      return condition.negated ? `not coalesce(${expression}, false)` : `coalesce(${expression}, false)`;
    })
    .join(' and ');
}

function conditionSql(condition: FilterCondition, column: FilterColumn, params: unknown[]): string {
  const target = `t.${quoteIdent(column.name)}`;
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const [value] = condition.values;
  switch (condition.operator) {
    case 'eq':
      return `${target} = ${param(value)}::${column.sqlType}`;
    case 'neq':
      return `${target} <> ${param(value)}::${column.sqlType}`;
    case 'lt':
      return `${target} < ${param(value)}::${column.sqlType}`;
    case 'lte':
      return `${target} <= ${param(value)}::${column.sqlType}`;
    case 'gt':
      return `${target} > ${param(value)}::${column.sqlType}`;
    case 'gte':
      return `${target} >= ${param(value)}::${column.sqlType}`;
    case 'isdistinct':
      return `${target} is distinct from ${param(value)}::${column.sqlType}`;
    case 'in':
      return `${target} = any(${param(condition.values)}::${column.sqlType}[])`;
    case 'like':
      return `${target}::text like ${param(value)}`;
    case 'ilike':
      return `${target}::text ilike ${param(value)}`;
    case 'match':
      return `${target}::text ~ ${param(value)}`;
    case 'imatch':
      return `${target}::text ~* ${param(value)}`;
    case 'is':
      return `${target} is ${value}`;
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
