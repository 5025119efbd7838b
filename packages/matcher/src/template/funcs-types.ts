/** How template functions are declared: Go parameter types drive argument conversion and errors. */

/**
 * - any: interface{}
 * - value: reflect.Value (builtins; accepts missing values)
 * - string / int / float64 / bool: exact Go types (no conversion between kinds, like Go)
 * - map: map[string]interface{} (only maps made by template functions, never caller data)
 */
export type ParamType = 'any' | 'value' | 'string' | 'int' | 'float64' | 'bool' | 'map';

export interface CallContext {
  /** Upper bound for any string or list a function builds. */
  readonly maxBytes: number;
}

export interface FuncDef {
  readonly params: readonly ParamType[];
  /** Element type of a trailing variadic parameter. */
  readonly variadic?: ParamType;
  readonly call: (args: unknown[], ctx: CallContext) => unknown;
}

export type FuncMap = Record<string, FuncDef>;

export function fn(
  params: readonly ParamType[],
  call: (args: unknown[], ctx: CallContext) => unknown,
  variadic?: ParamType,
): FuncDef {
  return variadic === undefined ? { params, call } : { params, call, variadic };
}
