/** Go text/template's parser (text/template/parse/parse.go). */
import type {
  ArgNode,
  BranchNode,
  CommandNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  TemplateNode,
} from './ast.ts';
import { parseGoIntLiteral } from './convert.ts';
import { location, TemplateError } from './errors.ts';
import { quoteGo } from './format.ts';
import { lex, type Token } from './lexer.ts';

export interface ParsedTemplates {
  /** Trees by template name; the main template is under the name given to parse. */
  trees: Map<string, ListNode>;
}

/** undefined when the function exists; otherwise the parse error text. */
export type FunctionCheck = (name: string) => string | undefined;

interface ElseMarker {
  kind: 'else';
  pos: number;
}
interface EndMarker {
  kind: 'end';
  pos: number;
}

class ParseFailure extends Error {
  readonly pos: number;
  constructor(message: string, pos: number) {
    super(message);
    this.pos = pos;
  }
}

function tokenString(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.value;
  if (t.type === 'keyword') return `<${t.value}>`;
  const runes = Array.from(t.value);
  if (runes.length > 10) return `${quoteGo(runes.slice(0, 10).join(''))}...`;
  return quoteGo(t.value);
}

/** strconv.UnquoteChar: one (possibly escaped) character at s[i]; returns the code point and the new index. */
function unquoteChar(s: string, i: number, quote: string): [number, number] {
  const c = s.codePointAt(i);
  if (c === undefined) throw new Error('invalid syntax');
  if (String.fromCodePoint(c) === quote && (quote === "'" || quote === '"'))
    throw new Error('invalid syntax');
  if (c !== 0x5c) return [c, i + String.fromCodePoint(c).length];
  const e = s[i + 1];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
  if (e === undefined) throw new Error('invalid syntax');
  if (e in simple) return [simple[e] ?? 0, i + 2];
  if (e === "'" || e === '"') {
    if (e !== quote) throw new Error('invalid syntax');
    return [e.charCodeAt(0), i + 2];
  }
  if (e === 'x' || e === 'u' || e === 'U') {
    const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
    const hex = s.slice(i + 2, i + 2 + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new Error('invalid syntax');
    const v = Number.parseInt(hex, 16);
    if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) throw new Error('invalid syntax');
    return [v, i + 2 + n];
  }
  if (e >= '0' && e <= '7') {
    const oct = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
    const v = Number.parseInt(oct, 8);
    if (v > 255) throw new Error('invalid syntax');
    return [v, i + 4];
  }
  throw new Error('invalid syntax');
}

/** strconv.Unquote for "…", `…` and '…'. \x escapes above 0x7f become U+FFFD-free code points (bytes are not modelled). */
export function unquote(quoted: string): string {
  const q = quoted[0];
  if (q === '`') return quoted.slice(1, -1).replace(/\r/g, '');
  if (q !== '"' && q !== "'") throw new Error('invalid syntax');
  const body = quoted.slice(1, -1);
  let out = '';
  let i = 0;
  while (i < body.length) {
    const [cp, next] = unquoteChar(body, i, q);
    out += String.fromCodePoint(cp);
    i = next;
  }
  return out;
}

function parseGoFloat(text: string): number | undefined {
  const s = text.replace(/_/g, '');
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (hex) {
    const [, sign, intPart = '', frac = '', exp = '0'] = hex;
    if (intPart === '' && frac === '') return undefined;
    const mant = Number.parseInt(intPart + frac || '0', 16);
    const v = mant * 2 ** (Number(exp) - 4 * frac.length);
    return sign === '-' ? -v : v;
  }
  return undefined;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function newNumber(pos: number, text: string, isChar: boolean): NumberNode {
  const node: NumberNode = {
    kind: 'number',
    pos,
    text,
    isInt: false,
    isFloat: false,
    isChar,
    intValue: 0,
    floatValue: 0,
  };
  if (isChar) {
    let cp: number;
    let next: number;
    try {
      [cp, next] = unquoteChar(text, 1, "'");
    } catch {
      throw new ParseFailure('invalid syntax', pos);
    }
    if (text.slice(next) !== "'") throw new ParseFailure(`malformed character constant: ${text}`, pos);
    node.isInt = true;
    node.isFloat = true;
    node.intValue = cp;
    node.floatValue = cp;
    return node;
  }
  if (text.endsWith('i')) throw new ParseFailure(`complex numbers are not supported by nfd-ts: ${text}`, pos);
  const i = parseGoIntLiteral(text);
  if (i !== undefined && i <= INT64_MAX && i >= INT64_MIN) {
    node.isInt = true;
    node.intValue = Number(i);
    node.isFloat = true;
    node.floatValue = Number(i);
    return node;
  }
  const f = parseGoFloat(text);
  if (f !== undefined && Number.isFinite(f)) {
    if (!/[.eEpP]/.test(text)) throw new ParseFailure(`integer overflow: ${quoteGo(text)}`, pos);
    node.isFloat = true;
    node.floatValue = f;
    if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
      node.isInt = true;
      node.intValue = f;
    }
    return node;
  }
  throw new ParseFailure(`illegal number syntax: ${quoteGo(text)}`, pos);
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  readonly trees: Map<string, ListNode>;
  private readonly checkFunction: FunctionCheck;

  constructor(tokens: Token[], trees: Map<string, ListNode>, checkFunction: FunctionCheck) {
    this.tokens = tokens;
    this.trees = trees;
    this.checkFunction = checkFunction;
  }

  private fail(message: string, pos: number): never {
    throw new ParseFailure(message, pos);
  }

  private next(): Token {
    const t = this.tokens[Math.min(this.index, this.tokens.length - 1)];
    if (t === undefined) this.fail('unexpected EOF', 0);
    if (t.type === 'error') this.fail(t.value, t.pos);
    this.index++;
    return t;
  }
  private peek(): Token {
    const t = this.next();
    this.backup();
    return t;
  }
  private backup(): void {
    this.index--;
  }
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }
  private peekNonSpace(): Token {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  private unexpected(t: Token, context: string): never {
    if (t.type === 'error') this.fail(t.value, t.pos);
    this.fail(`unexpected ${tokenString(t)} in ${context}`, t.pos);
  }
  private expect(type: Token['type'], context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  parseMain(name: string): void {
    const root: ListNode = { pos: 0, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        this.next();
        const t = this.nextNonSpace();
        if (t.type === 'keyword' && t.value === 'define') {
          this.parseDefinition();
          continue;
        }
        // back up to the delimiter
        while (this.tokens[this.index]?.type !== 'leftDelim') this.index--;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.fail(`unexpected {{${n.kind}}}`, n.pos);
      root.nodes.push(n);
    }
    this.addTree(name, root, 0);
  }

  private addTree(name: string, root: ListNode, pos: number): void {
    const old = this.trees.get(name);
    if (old === undefined || isEmptyTree(old)) {
      this.trees.set(name, root);
      return;
    }
    if (!isEmptyTree(root)) this.fail(`template: multiple definition of template ${quoteGo(name)}`, pos);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const nameTok = this.nextNonSpace();
    if (nameTok.type !== 'string' && nameTok.type !== 'rawString') this.unexpected(nameTok, context);
    const name = this.unquoteToken(nameTok);
    this.expect('rightDelim', context);
    const savedVars = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in ${context}`, end.pos);
    this.vars = savedVars;
    this.rangeDepth = savedDepth;
    this.addTree(name, list, nameTok.pos);
  }

  private unquoteToken(t: Token): string {
    try {
      return unquote(t.value);
    } catch {
      this.fail('invalid syntax', t.pos);
    }
  }

  private itemList(): [ListNode, ElseMarker | EndMarker] {
    const list: ListNode = { pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.fail('unexpected EOF', this.peek().pos);
  }

  private textOrAction(): Node | ElseMarker | EndMarker {
    const t = this.nextNonSpace();
    if (t.type === 'text') return { kind: 'text', pos: t.pos, text: t.value };
    if (t.type === 'leftDelim') return this.action();
    this.unexpected(t, 'input');
  }

  private action(): Node | ElseMarker | EndMarker {
    const t = this.nextNonSpace();
    if (t.type === 'keyword') {
      switch (t.value) {
        case 'block':
          return this.blockControl();
        case 'break':
        case 'continue': {
          const next = this.nextNonSpace();
          if (next.type !== 'rightDelim') this.unexpected(next, `{{${t.value}}}`);
          if (this.rangeDepth === 0) this.fail(`{{${t.value}}} outside {{range}}`, t.pos);
          return { kind: t.value, pos: t.pos };
        }
        case 'else': {
          const p = this.peekNonSpace();
          if (p.type === 'keyword' && (p.value === 'if' || p.value === 'with'))
            return { kind: 'else', pos: p.pos };
          const r = this.expect('rightDelim', 'else');
          return { kind: 'else', pos: r.pos };
        }
        case 'end':
          return { kind: 'end', pos: this.expect('rightDelim', 'end').pos };
        case 'if':
        case 'range':
        case 'with':
          return this.parseControl(t.value, t.pos);
        case 'template':
          return this.templateControl();
      }
    }
    this.backup();
    const pipe = this.pipeline('command', 'rightDelim');
    return { kind: 'action', pos: pipe.pos, pipe };
  }

  private parseControl(context: 'if' | 'range' | 'with', _pos: number): BranchNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    const [list, first] = this.itemList();
    let next = first;
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (next.kind === 'else') {
      const p = this.peek();
      if ((context === 'if' || context === 'with') && p.type === 'keyword' && p.value === context) {
        const kw = this.next();
        elseList = { pos: next.pos, nodes: [this.parseControl(context, kw.pos)] };
      } else {
        [elseList, next] = this.itemList();
        if (next.kind !== 'end') this.fail(`expected end; found {{${next.kind}}}`, next.pos);
      }
    }
    this.vars.length = mark;
    return { kind: context, pos: pipe.pos, pipe, list, elseList };
  }

  private templateName(t: Token, context: string): string {
    if (t.type === 'string' || t.type === 'rawString') return this.unquoteToken(t);
    this.unexpected(t, context);
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { kind: 'template', pos: t.pos, name, pipe };
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const savedVars = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.fail(`unexpected {{${end.kind}}} in ${context}`, end.pos);
    this.vars = savedVars;
    this.rangeDepth = savedDepth;
    this.addTree(name, list, t.pos);
    return { kind: 'template', pos: t.pos, name, pipe };
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: first.pos, isAssign: false, decl: [], cmds: [] };
    // declarations
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const vIndex = this.index;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, idents: [v.value] });
        this.vars.push(v.value);
        break;
      }
      if (next.type === 'char' && next.value === ',') {
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, idents: [v.value] });
        this.vars.push(v.value);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace();
          if (p.type === 'variable' || p.type === 'rightDelim' || p.type === 'rightParen') continue;
          this.fail('range can only initialize variables', p.pos);
        }
        this.fail(`too many declarations in ${context}`, next.pos);
      }
      // not a declaration: put the variable back
      this.index = vIndex;
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context, t.pos);
        return pipe;
      }
      switch (t.type) {
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          continue;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string, pos: number): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`, pos);
    pipe.cmds.slice(1).forEach((c, i) => {
      const k = c.args[0]?.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string')
        this.fail(`non executable command in pipeline stage ${i + 2}`, c.pos);
    });
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== undefined) cmd.args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command', cmd.pos);
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (node === undefined) return undefined;
    if (this.peek().type !== 'field') return node;
    const fields: string[] = [];
    const pos = this.peek().pos;
    while (this.peek().type === 'field') fields.push(this.next().value.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos: node.pos, idents: [...node.idents, ...fields] };
      case 'variable':
        return { kind: 'variable', pos: node.pos, idents: [...node.idents, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return this.fail(`unexpected . after term ${quoteGo(termText(node))}`, pos);
      default:
        return { kind: 'chain', pos: node.pos, node, fields };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier': {
        const problem = this.checkFunction(t.value);
        if (problem !== undefined) this.fail(problem, t.pos);
        return { kind: 'identifier', pos: t.pos, name: t.value };
      }
      case 'dot':
        return { kind: 'dot', pos: t.pos };
      case 'nil':
        return { kind: 'nil', pos: t.pos };
      case 'variable': {
        if (!this.vars.includes(t.value)) this.fail(`undefined variable ${quoteGo(t.value)}`, t.pos);
        return { kind: 'variable', pos: t.pos, idents: [t.value] };
      }
      case 'field':
        return { kind: 'field', pos: t.pos, idents: [t.value.slice(1)] };
      case 'bool':
        return { kind: 'bool', pos: t.pos, value: t.value === 'true' };
      case 'charConstant':
      case 'number':
        return newNumber(t.pos, t.value, t.type === 'charConstant');
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: t.pos, quoted: t.value, value: this.unquoteToken(t) };
    }
    this.backup();
    return undefined;
  }
}

function termText(n: ArgNode): string {
  switch (n.kind) {
    case 'bool':
      return String(n.value);
    case 'string':
      return n.quoted;
    case 'number':
      return n.text;
    case 'nil':
      return 'nil';
    default:
      return '.';
  }
}

function isEmptyTree(list: ListNode): boolean {
  return list.nodes.every((n) => n.kind === 'text' && n.text.trim() === '');
}

export function parse(source: string, name: string, checkFunction: FunctionCheck): Map<string, ListNode> {
  const trees = new Map<string, ListNode>();
  const parser = new Parser(lex(source), trees, checkFunction);
  try {
    parser.parseMain(name);
  } catch (error) {
    if (error instanceof ParseFailure) {
      const { line, column } = location(source, error.pos);
      throw new TemplateError('parse', `template: ${name}:${line}:${column}: ${error.message}`, line, column);
    }
    throw error;
  }
  return trees;
}
