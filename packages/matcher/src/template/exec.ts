/** Go text/template execution (text/template/exec.go) with missingkey=error. */
import {
  type ArgNode,
  type BranchNode,
  type CommandNode,
  type ListNode,
  type Node,
  type NumberNode,
  nodeString,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from './ast.ts';
import { FuncError, location, TemplateError } from './errors.ts';
import { printV } from './format.ts';
import type { CallContext, FuncDef, ParamType } from './funcs-types.ts';
import {
  GoFloat,
  GoInt,
  intValue,
  isIfaceMap,
  isMap,
  isNil,
  SemverVersion,
  sortedKeys,
  truth,
  typeName,
  utf8Length,
} from './values.ts';

const MISSING: unique symbol = Symbol('missing');
type Final = unknown | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

/** Nesting of {{template}} calls; Go allows 100000 but a JS stack does not. */
export const MAX_EXEC_DEPTH = 1000;
/** Upper bound on executed nodes and loop iterations, so that no template can run for ever. */
export const MAX_EXEC_STEPS = 10_000_000;

interface Variable {
  name: string;
  value: unknown;
}

type ContextNode = ArgNode | CommandNode | { kind: 'template-node'; pos: number; text: string };

export interface ExecOptions {
  source: string;
  trees: Map<string, ListNode>;
  name: string;
  funcs: Record<string, FuncDef>;
  maxOutputBytes: number;
}

export function execute(data: unknown, opts: ExecOptions): string {
  const root = opts.trees.get(opts.name);
  const state: State = new State(opts);
  if (root === undefined) state.fail(`${JSON.stringify(opts.name)} is an incomplete or empty template`);
  state.vars = [{ name: '$', value: data }];
  state.walk(data, root);
  return state.out.join('');
}

class State {
  readonly opts: ExecOptions;
  readonly out: string[] = [];
  private outBytes = 0;
  private steps = 0;
  private depth = 0;
  vars: Variable[] = [];
  private tmplName: string;
  private node: ContextNode | undefined;
  private readonly ctx: CallContext;

  constructor(opts: ExecOptions) {
    this.opts = opts;
    this.tmplName = opts.name;
    this.ctx = { maxBytes: opts.maxOutputBytes };
  }

  fail(message: string): never {
    const name = this.tmplName;
    const n = this.node;
    if (n === undefined) throw new TemplateError('exec', `template: ${name}: ${message}`);
    const { line, column } = location(this.opts.source, n.pos);
    let context = n.kind === 'template-node' ? n.text : nodeString(n);
    const runes = Array.from(context);
    if (utf8Length(context) > 20) context = `${runes.slice(0, 20).join('')}...`;
    throw new TemplateError(
      'exec',
      `template: ${this.opts.name}:${line}:${column}: executing ${JSON.stringify(name)} at <${context}>: ${message}`,
      line,
      column,
    );
  }

  private at(n: ContextNode): void {
    this.node = n;
  }

  private step(): void {
    if (++this.steps > MAX_EXEC_STEPS) this.fail(`template execution exceeded ${MAX_EXEC_STEPS} steps`);
  }

  private write(s: string): void {
    if (s === '') return;
    this.outBytes += utf8Length(s);
    if (this.outBytes > this.opts.maxOutputBytes)
      this.fail(`template output exceeds the limit of ${this.opts.maxOutputBytes} bytes`);
    this.out.push(s);
  }

  // --- variables

  private mark(): number {
    return this.vars.length;
  }
  private pop(mark: number): void {
    this.vars.length = mark;
  }
  private push(name: string, value: unknown): void {
    this.vars.push({ name, value });
  }
  private setVar(name: string, value: unknown): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) {
        v.value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: unknown): void {
    const v = this.vars[this.vars.length - n];
    if (v !== undefined) v.value = value;
  }
  private varValue(name: string): unknown {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v !== undefined && v.name === name) return v.value;
    }
    this.fail(`undefined variable: ${name}`);
  }

  // --- walking

  walk(dot: unknown, list: ListNode): void {
    for (const node of list.nodes) this.walkNode(dot, node);
  }

  private walkNode(dot: unknown, node: Node): void {
    this.step();
    switch (node.kind) {
      case 'text':
        this.write(node.text);
        return;
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.at(node.pipe);
          this.write(isNil(val) ? '<no value>' : printV(val));
        }
        return;
      }
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
    }
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (truth(val)) this.walk(node.kind === 'with' ? val : dot, node.list);
      else if (node.elseList !== undefined) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: unknown, node: BranchNode): void {
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const mark = this.mark();
      const decl = node.pipe.decl;
      const one = (index: unknown, elem: unknown): boolean => {
        this.step();
        if (decl.length > 0) {
          if (node.pipe.isAssign) this.setVar(varName(decl[0]), decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (node.pipe.isAssign) this.setVar(varName(decl[1]), elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, node.list);
        } catch (e) {
          if (e === BREAK) return false;
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
        return true;
      };
      let ran = false;
      const iv = intValue(val);
      if (Array.isArray(val)) {
        for (let i = 0; i < val.length; i++) {
          ran = true;
          if (!one(i, val[i])) break;
        }
      } else if (iv !== undefined) {
        if (decl.length > 1) this.fail(`can't use ${printV(val)} to iterate over more than one variable`);
        for (let i = 0; i < iv; i++) {
          ran = true;
          const v = val instanceof GoInt ? new GoInt(val.kind, i) : i;
          if (!one(v, v)) break;
        }
      } else if (isMap(val)) {
        for (const k of sortedKeys(val)) {
          ran = true;
          if (!one(k, val[k])) break;
        }
      } else if (!isNil(val)) {
        this.fail(`range can't iterate over ${printV(val)}`);
      }
      if (!ran && node.elseList !== undefined) this.walk(dot, node.elseList);
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: unknown, node: TemplateNode): void {
    this.at({ kind: 'template-node', pos: node.pos, text: `{{template ${JSON.stringify(node.name)}}}` });
    const tree = this.opts.trees.get(node.name);
    if (tree === undefined) this.fail(`template ${JSON.stringify(node.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.fail(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = node.pipe === undefined ? undefined : this.evalPipeline(dot, node.pipe);
    const savedVars = this.vars;
    const savedName = this.tmplName;
    this.vars = [{ name: '$', value: newDot }];
    this.tmplName = node.name;
    this.depth++;
    try {
      this.walk(newDot, tree);
    } finally {
      this.depth--;
      this.vars = savedVars;
      this.tmplName = savedName;
    }
  }

  // --- evaluation

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value === null) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(varName(d), v);
      else this.push(varName(d), v);
    }
    return v;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      const first = args[0];
      this.fail(`can't give argument to non-function ${first === undefined ? '' : nodeString(first)}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0];
    if (first === undefined) this.fail('empty command');
    switch (first.kind) {
      case 'field':
        this.at(first);
        return this.evalFieldChain(dot, first, first.idents, cmd.args, final);
      case 'chain': {
        this.at(first);
        if (first.node.kind === 'nil') this.fail(`indirection through explicit nil in ${nodeString(first)}`);
        const recv = this.evalArg(dot, undefined, first.node);
        return this.evalFieldChain(recv, first, first.fields, cmd.args, final);
      }
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariable(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.fail('nil is not a command');
      case 'number':
        return idealConstant(first);
      case 'string':
        return first.value;
    }
  }

  private evalVariable(_dot: unknown, v: VariableNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(v);
    const value = this.varValue(v.idents[0] ?? '$');
    if (v.idents.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(value, v, v.idents.slice(1), args, final);
  }

  private evalFieldChain(
    receiver: unknown,
    _node: ArgNode,
    idents: readonly string[],
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    let recv = receiver;
    for (let i = 0; i < idents.length - 1; i++) recv = this.evalField(idents[i] ?? '', recv, false);
    const hasArgs = args.length > 1 || final !== MISSING;
    return this.evalField(idents[idents.length - 1] ?? '', recv, hasArgs);
  }

  private evalField(name: string, receiver: unknown, hasArgs: boolean): unknown {
    if (isNil(receiver)) this.fail(`nil data; no entry for key ${JSON.stringify(name)}`);
    if (receiver instanceof SemverVersion) {
      const method = semverMethod(receiver, name);
      if (method !== MISSING) {
        if (hasArgs) this.fail(`wrong number of args for ${name}: want 0 got 1`);
        return method;
      }
    } else if (isMap(receiver)) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      if (Object.hasOwn(receiver, name)) {
        const v = receiver[name];
        return v === null ? undefined : v;
      }
      this.fail(`map has no entry for key ${JSON.stringify(name)}`);
    }
    this.fail(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private evalFunction(
    dot: unknown,
    node: ArgNode & { kind: 'identifier' },
    cmd: ContextNode,
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    this.at(node);
    const def = this.opts.funcs[node.name];
    if (def === undefined) this.fail(`${JSON.stringify(node.name)} is not a defined function`);
    return this.evalCall(dot, def, cmd, node.name, args.slice(1), final);
  }

  private evalCall(
    dot: unknown,
    def: FuncDef,
    cmd: ContextNode,
    name: string,
    args: readonly ArgNode[],
    final: Final,
  ): unknown {
    // Go's and/or evaluate their arguments lazily and return the deciding one.
    if (name === 'and' || name === 'or') {
      const total = args.length + (final === MISSING ? 0 : 1);
      if (total < 1) this.fail(`wrong number of args for ${name}: want at least 1 got 0`);
      let v: unknown;
      for (const a of args) {
        v = this.evalArg(dot, 'value', a);
        if (truth(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const numParams = def.params.length;
    const variadic = def.variadic !== undefined;
    const numIn = args.length + (final === MISSING ? 0 : 1);
    let numFixed = args.length;
    if (variadic) {
      numFixed = numParams;
      if (numIn < numFixed)
        this.fail(`wrong number of args for ${name}: want at least ${numFixed} got ${numIn}`);
    } else if (numIn !== numParams) {
      this.fail(`wrong number of args for ${name}: want ${numParams} got ${numIn}`);
    }
    const argv: unknown[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++)
      argv.push(this.evalArg(dot, def.params[i], args[i] as ArgNode));
    if (variadic) for (; i < args.length; i++) argv.push(this.evalArg(dot, def.variadic, args[i] as ArgNode));
    if (final !== MISSING) {
      let t: ParamType | undefined = def.params[numParams - 1];
      if (variadic) t = numIn - 1 < numFixed ? def.params[numIn - 1] : def.variadic;
      argv.push(this.validateType(final, t));
    }
    let result: unknown;
    try {
      result = def.call(argv, this.ctx);
    } catch (error) {
      this.at(cmd);
      if (error instanceof TemplateError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      this.fail(`error calling ${name}: ${message}`);
    }
    if (typeof result === 'string' && result.length > this.opts.maxOutputBytes) {
      this.at(cmd);
      this.fail(`error calling ${name}: result exceeds the limit of ${this.opts.maxOutputBytes} bytes`);
    }
    return result;
  }

  /** Go's validateType: a computed value against a parameter type. */
  private validateType(value: unknown, t: ParamType | undefined): unknown {
    if (t === undefined || t === 'any' || t === 'value') return value;
    if (isNil(value)) {
      if (t === 'map') return undefined;
      this.fail(`invalid value; expected ${goParamName(t)}`);
    }
    switch (t) {
      case 'string':
        if (typeof value === 'string') return value;
        break;
      case 'int':
        if (typeof value === 'number' && Number.isInteger(value)) return value;
        break;
      case 'float64':
        if (value instanceof GoFloat) return value.value;
        if (typeof value === 'number' && !Number.isInteger(value)) return value;
        break;
      case 'bool':
        if (typeof value === 'boolean') return value;
        break;
      case 'map':
        if (isIfaceMap(value)) return value;
        break;
    }
    this.fail(`wrong type for value; expected ${goParamName(t)}; got ${typeName(value)}`);
  }

  private evalArg(dot: unknown, t: ParamType | undefined, n: ArgNode): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, t);
      case 'nil':
        if (t === undefined || t === 'any' || t === 'value' || t === 'map') return undefined;
        return this.fail(`cannot assign nil to ${goParamName(t)}`);
      case 'field':
        return this.validateType(this.evalFieldChain(dot, n, n.idents, [n], MISSING), t);
      case 'variable':
        return this.validateType(this.evalVariable(dot, n, [n], MISSING), t);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), t);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, [n], MISSING), t);
      case 'chain':
        return this.validateType(
          this.evalCommand(dot, { kind: 'command', pos: n.pos, args: [n] }, MISSING),
          t,
        );
    }
    switch (t) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        return this.fail(`expected bool; found ${nodeString(n)}`);
      case 'float64':
        if (n.kind === 'number' && n.isFloat) return n.floatValue;
        return this.fail(`expected float; found ${nodeString(n)}`);
      case 'int':
        if (n.kind === 'number' && n.isInt) return n.intValue;
        return this.fail(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === 'string') return n.value;
        return this.fail(`expected string; found ${nodeString(n)}`);
      case 'map':
        return this.fail(`can't handle ${nodeString(n)} for arg of type map[string]interface {}`);
      default:
        switch (n.kind) {
          case 'bool':
            return n.value;
          case 'number':
            return idealConstant(n);
          case 'string':
            return n.value;
        }
    }
  }
}

function varName(v: VariableNode | undefined): string {
  return v?.idents[0] ?? '$';
}

function goParamName(t: ParamType): string {
  switch (t) {
    case 'map':
      return 'map[string]interface {}';
    case 'value':
      return 'reflect.Value';
    case 'any':
      return 'interface {}';
    default:
      return t;
  }
}

/** A number literal passed where any type is accepted (Go's idealConstant). */
function idealConstant(n: NumberNode): unknown {
  if (n.isFloat && !n.isChar && !/^[+-]?0[xX]/.test(n.text) && /[.eEpP]/.test(n.text))
    return new GoFloat(n.floatValue);
  if (n.isInt) return n.intValue;
  throw new FuncError(`${n.text} overflows int`);
}

function semverMethod(v: SemverVersion, name: string): unknown {
  switch (name) {
    case 'Major':
      return new GoInt('uint64', Number(v.major));
    case 'Minor':
      return new GoInt('uint64', Number(v.minor));
    case 'Patch':
      return new GoInt('uint64', Number(v.patch));
    case 'Prerelease':
      return v.pre;
    case 'Metadata':
      return v.metadata;
    case 'Original':
      return v.original;
    case 'String':
      return v.toString();
  }
  return MISSING;
}
