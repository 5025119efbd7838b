// One match expression against one element (matching.md §2): upstream's
// evaluateMatchExpression, check for check, in its exact order.
import {
  describeValueCount,
  isMatchOp,
  isValueCountAllowed,
  type MatchExpression,
  type MatchOp,
  TYPED_MATCH_OPS,
  valueCountForOp,
} from '@nfd/spec';
import { parseGoInt } from './integer.ts';
import { compileRegex, type Regex, RegexSyntaxError } from './regex.ts';
import { compareVersions, parseVersion, type Version } from './version.ts';

/** What went wrong, for callers that want to branch on it; the message says it in words. */
export type ExpressionErrorKind =
  | 'unknown-op'
  | 'value-count'
  | 'invalid-regex'
  | 'not-a-number'
  | 'not-a-version'
  | 'range-bounds'
  | 'unsupported-type';

/** An expression that cannot be evaluated (§2.4). Upstream turns it into a rule error. */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
  readonly expression: MatchExpression;
  readonly kind: ExpressionErrorKind;
  /** The problem in words, naming the operator and its values; also the message. */
  readonly reason: string;
  constructor(expression: MatchExpression, kind: ExpressionErrorKind, reason: string) {
    super(reason);
    this.expression = expression;
    this.kind = kind;
    this.reason = reason;
  }
}

/** An expression whose own values (integers, versions, regexes) were parsed once. */
export interface CompiledExpression {
  readonly expression: MatchExpression;
  /**
   * The result for one element: `present` says whether it exists, `value` is its value
   * (undefined for flags and absent elements). Throws ExpressionError, but only when upstream
   * would for this element (Q1): an invalid value list stays silent for absent elements.
   */
  evaluate(present: boolean, value: string | undefined): boolean;
}

type Evaluate = (present: boolean, value: string | undefined) => boolean;
/** Step 4 of §2: the check on an element that exists and has a value. */
type ValueCheck = (value: string) => boolean;
type MakeError = () => ExpressionError;

const NUMERIC_OPS: ReadonlySet<MatchOp> = new Set(TYPED_MATCH_OPS);

// ---------------------------------------------------------------------------------------------
// Messages (§2.4). Every one names the operator and shows the value list.

function opLabel(op: string): string {
  return op === '' ? 'op "" (match anything)' : op;
}

function valuesOf(expression: MatchExpression): readonly string[] {
  return expression.value ?? [];
}

function typeOf(expression: MatchExpression): string {
  return expression.type ?? '';
}

/** `Gt ["5"]`, plus the type when one is set: how an expression is shown inside messages. */
export function formatExpression(expression: MatchExpression): string {
  const type = typeOf(expression);
  const shown = `${opLabel(expression.op)} ${JSON.stringify(valuesOf(expression))}`;
  return type === '' ? shown : `${shown} type ${JSON.stringify(type)}`;
}

function unknownOpMessage(expression: MatchExpression): string {
  return `unknown operator ${JSON.stringify(expression.op)}`;
}

function valueCountMessage(expression: MatchExpression, op: MatchOp): string {
  const count = valueCountForOp(op);
  const wanted = count.max === 0 ? 'takes no values' : `needs ${describeValueCount(count)}`;
  return `${opLabel(op)} ${wanted}, got ${JSON.stringify(valuesOf(expression))}`;
}

function notParsedMessage(expression: MatchExpression, text: string, what: 'number' | 'version'): string {
  return `${JSON.stringify(text)} is not a ${what} (in ${formatExpression(expression)})`;
}

function rangeBoundsMessage(expression: MatchExpression): string {
  return (
    `${expression.op} needs its first value to be smaller than its second, ` +
    `got ${JSON.stringify(valuesOf(expression))}`
  );
}

function unsupportedTypeMessage(expression: MatchExpression): string {
  return (
    `${expression.op} does not support type ${JSON.stringify(typeOf(expression))} ` +
    `(only "version", or no type for integers)`
  );
}

function regexMessage(expression: MatchExpression, error: RegexSyntaxError): string {
  return `${error.message} (in ${formatExpression(expression)})`;
}

function errorMaker(expression: MatchExpression, kind: ExpressionErrorKind, reason: string): MakeError {
  return () => new ExpressionError(expression, kind, reason);
}

function throwing(makeError: MakeError): () => never {
  return () => {
    throw makeError();
  };
}

// ---------------------------------------------------------------------------------------------
// Step 4 of §2, per operator. Each builder parses the expression's own values now and keeps any
// failure as an error to throw later, at the point where upstream would detect it.

function compileMembership(expression: MatchExpression, wanted: boolean): ValueCheck {
  const values = new Set(valuesOf(expression));
  return (value) => values.has(value) === wanted;
}

/** All patterns compile before any is tried, so a bad later pattern errors even if an earlier one matches. */
function compileRegexes(expression: MatchExpression): ValueCheck {
  const regexes: Regex[] = [];
  for (const pattern of valuesOf(expression)) {
    try {
      regexes.push(compileRegex(pattern));
    } catch (error) {
      if (!(error instanceof RegexSyntaxError)) throw error;
      return throwing(errorMaker(expression, 'invalid-regex', regexMessage(expression, error)));
    }
  }
  return (value) => regexes.some((regex) => regex.test(value));
}

/** How an ordering operator reads the sign of compare(x, V[0]). */
const ORDERING_RESULT: Readonly<Record<string, (order: -1 | 0 | 1) => boolean>> = {
  Gt: (order) => order > 0,
  Ge: (order) => order >= 0,
  Lt: (order) => order < 0,
  Le: (order) => order <= 0,
};

/** A parser for one `type`: integers (§2.1) or versions (§2.2), with their comparison. */
interface Ordering<T> {
  readonly what: 'number' | 'version';
  /** Integer ranges must have increasing bounds, even for GeLe (Q3); version ranges are never checked. */
  readonly checksRangeBounds: boolean;
  parse(text: string): T | undefined;
  compare(a: T, b: T): -1 | 0 | 1;
}

const INTEGER_ORDERING: Ordering<bigint> = {
  what: 'number',
  checksRangeBounds: true,
  parse: parseGoInt,
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
};

const VERSION_ORDERING: Ordering<Version> = {
  what: 'version',
  checksRangeBounds: false,
  parse: parseVersion,
  compare: compareVersions,
};

/** A value parsed ahead of time, or the error its parse failure gives when it is reached. */
type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: MakeError };

function parseOwnValue<T>(expression: MatchExpression, ordering: Ordering<T>, text: string): Parsed<T> {
  const value = ordering.parse(text);
  if (value !== undefined) return { ok: true, value };
  return {
    ok: false,
    error: errorMaker(
      expression,
      `not-a-${ordering.what}`,
      notParsedMessage(expression, text, ordering.what),
    ),
  };
}

function unwrap<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw parsed.error();
  return parsed.value;
}

/** Parses the element's value first: upstream reports a bad input before a bad expression value. */
function parseInput<T>(expression: MatchExpression, ordering: Ordering<T>, text: string): T {
  const value = ordering.parse(text);
  if (value === undefined) {
    throw new ExpressionError(
      expression,
      `not-a-${ordering.what}`,
      notParsedMessage(expression, text, ordering.what),
    );
  }
  return value;
}

function compileOrderingWith<T>(expression: MatchExpression, ordering: Ordering<T>): ValueCheck {
  const bound = parseOwnValue(expression, ordering, valuesOf(expression)[0] ?? '');
  const accepts = ORDERING_RESULT[expression.op] ?? (() => false);
  return (value) => {
    const input = parseInput(expression, ordering, value);
    return accepts(ordering.compare(input, unwrap(bound)));
  };
}

/** Chooses the parser from `type`; any other type than '' or 'version' is an error. */
function compileByType(
  expression: MatchExpression,
  build: <T>(expression: MatchExpression, ordering: Ordering<T>) => ValueCheck,
): ValueCheck {
  switch (typeOf(expression)) {
    case '':
      return build(expression, INTEGER_ORDERING);
    case 'version':
      return build(expression, VERSION_ORDERING);
    default:
      return throwing(errorMaker(expression, 'unsupported-type', unsupportedTypeMessage(expression)));
  }
}

function compileRangeWith<T>(expression: MatchExpression, ordering: Ordering<T>): ValueCheck {
  const [lowText = '', highText = ''] = valuesOf(expression);
  const low = parseOwnValue(expression, ordering, lowText);
  const high = parseOwnValue(expression, ordering, highText);
  const inclusive = expression.op === 'GeLe';
  return (value) => {
    const input = parseInput(expression, ordering, value);
    const lowValue = unwrap(low);
    const highValue = unwrap(high);
    // Reversed version bounds are no error: such a range just never matches.
    if (ordering.checksRangeBounds && ordering.compare(lowValue, highValue) >= 0) {
      throw new ExpressionError(expression, 'range-bounds', rangeBoundsMessage(expression));
    }
    const aboveLow = ordering.compare(input, lowValue);
    const belowHigh = ordering.compare(input, highValue);
    return inclusive ? aboveLow >= 0 && belowHigh <= 0 : aboveLow > 0 && belowHigh < 0;
  };
}

function compileValueCheck(expression: MatchExpression, op: MatchOp): ValueCheck {
  // The value count is always the first check of step 4.
  if (!isValueCountAllowed(op, valuesOf(expression).length)) {
    return throwing(errorMaker(expression, 'value-count', valueCountMessage(expression, op)));
  }
  switch (op) {
    case 'In':
      return compileMembership(expression, true);
    case 'NotIn':
      return compileMembership(expression, false);
    case 'InRegexp':
      return compileRegexes(expression);
    case 'Gt':
    case 'Ge':
    case 'Lt':
    case 'Le':
      return compileByType(expression, compileOrderingWith);
    case 'GtLt':
    case 'GeLe':
      return compileByType(expression, compileRangeWith);
    case 'IsTrue':
      return (value) => value === 'true';
    case 'IsFalse':
      return (value) => value === 'false';
    default:
      // '', Exists and DoesNotExist never reach step 4 (see compileEvaluate).
      return () => false;
  }
}

function compileEvaluate(expression: MatchExpression): Evaluate {
  const { op } = expression;
  // Step 1: an unknown operator errors even for absent elements.
  if (!isMatchOp(op)) return throwing(errorMaker(expression, 'unknown-op', unknownOpMessage(expression)));
  // Step 2: '', Exists and DoesNotExist look at presence only; values are an error even when absent.
  if (op === '' || op === 'Exists' || op === 'DoesNotExist') {
    if (valuesOf(expression).length > 0) {
      return throwing(errorMaker(expression, 'value-count', valueCountMessage(expression, op)));
    }
    if (op === '') return () => true;
    return op === 'Exists' ? (present) => present : (present) => !present;
  }
  const check = compileValueCheck(expression, op);
  // Step 3: an absent element or one without a value (every flag) is false, with no further
  // checks, so value-list problems stay hidden (Q1, Q2).
  return (present, value) => (present && value !== undefined ? check(value) : false);
}

/** Parses an expression's values once, for evaluation against many elements. Never throws. */
export function compileExpression(expression: MatchExpression): CompiledExpression {
  return { expression, evaluate: compileEvaluate(expression) };
}

/** Evaluates `expression` against one element (§2); throws ExpressionError where upstream errors. */
export function evaluateExpression(
  expression: MatchExpression,
  present: boolean,
  value: string | undefined,
): boolean {
  return compileEvaluate(expression)(present, value);
}

// ---------------------------------------------------------------------------------------------
// Static check (beyond upstream, which never looks at expressions in `validate`, Q24).

function checkRegexes(expression: MatchExpression): string[] {
  const problems: string[] = [];
  for (const pattern of valuesOf(expression)) {
    try {
      compileRegex(pattern);
    } catch (error) {
      if (!(error instanceof RegexSyntaxError)) throw error;
      problems.push(regexMessage(expression, error));
    }
  }
  return problems;
}

function checkTypedValues(expression: MatchExpression, op: MatchOp): ExpressionProblem[] {
  const type = typeOf(expression);
  if (type !== '' && type !== 'version') {
    return [{ kind: 'unsupported-type', message: unsupportedTypeMessage(expression) }];
  }
  const ordering: Ordering<unknown> = type === '' ? INTEGER_ORDERING : VERSION_ORDERING;
  const values = valuesOf(expression);
  const problems: ExpressionProblem[] = values
    .filter((text) => ordering.parse(text) === undefined)
    .map((text) => ({
      kind: type === '' ? 'not-a-number' : 'not-a-version',
      message: notParsedMessage(expression, text, ordering.what),
    }));
  const [low, high] = values.map((text) => parseGoInt(text));
  const isIntegerRange = type === '' && (op === 'GtLt' || op === 'GeLe') && values.length === 2;
  if (isIntegerRange && low !== undefined && high !== undefined && low >= high) {
    problems.push({ kind: 'range-bounds', message: rangeBoundsMessage(expression) });
  }
  return problems;
}

/**
 * Every problem of `expression` regardless of data: unknown operator, wrong value count,
 * regexes that do not compile, values that are not integers or versions, reversed or equal
 * integer range bounds (Q3) and a `type` other than '' or 'version' on an ordering operator.
 * Empty when the expression can never error.
 */
/** One problem `checkExpression` found, with its kind for callers that filter. */
export interface ExpressionProblem {
  readonly kind: ExpressionErrorKind;
  readonly message: string;
}

/** Every problem of the expression, whatever the node has (beyond upstream's validate; §9.3). */
export function checkExpressionProblems(expression: MatchExpression): ExpressionProblem[] {
  const { op } = expression;
  if (!isMatchOp(op)) return [{ kind: 'unknown-op', message: unknownOpMessage(expression) }];
  const problems: ExpressionProblem[] = [];
  if (!isValueCountAllowed(op, valuesOf(expression).length)) {
    problems.push({ kind: 'value-count', message: valueCountMessage(expression, op) });
  }
  if (op === 'InRegexp') {
    problems.push(
      ...checkRegexes(expression).map((message) => ({ kind: 'invalid-regex' as const, message })),
    );
  }
  if (NUMERIC_OPS.has(op)) problems.push(...checkTypedValues(expression, op));
  return problems;
}

/** The messages of checkExpressionProblems. */
export function checkExpression(expression: MatchExpression): string[] {
  return checkExpressionProblems(expression).map((problem) => problem.message);
}
