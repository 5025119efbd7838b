/** Go text/template's lexer (text/template/parse/lex.go), with the default {{ }} delimiters. */

export type TokenType =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'identifier'
  | 'field'
  | 'variable'
  | 'string'
  | 'rawString'
  | 'char'
  | 'charConstant'
  | 'number'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare'
  | 'assign'
  | 'keyword'
  | 'eof'
  | 'error';

export interface Token {
  type: TokenType;
  /** JS string index of the token in the source. */
  pos: number;
  value: string;
}

const KEYWORDS = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'template',
  'with',
]);

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function isAlphaNumeric(c: string): boolean {
  return c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);
}

/** "- " right after the left delimiter. */
function hasLeftTrimMarker(s: string, i: number): boolean {
  return s[i] === '-' && isSpace(s[i + 1]);
}

/** " -" right before the right delimiter. */
function hasRightTrimMarker(s: string, i: number): boolean {
  return isSpace(s[i]) && s[i + 1] === '-';
}

function formatRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} ${JSON.stringify(c).replace(/^"|"$/g, "'")}`;
}

/** Tokenizes the whole template eagerly; the last token is 'eof' or 'error'. */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  const emit = (type: TokenType, value = input.slice(start, pos)): void => {
    tokens.push({ type, pos: start, value });
    start = pos;
  };
  const fail = (message: string): Token[] => {
    tokens.push({ type: 'error', pos: start, value: message });
    return tokens;
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith('}}', pos + 2)) return { delim: true, trim: true };
    if (input.startsWith('}}', pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };
  const skipSpaces = (): void => {
    while (isSpace(input[pos])) pos++;
    start = pos;
  };
  const atTerminator = (): boolean => {
    const c = input[pos];
    if (c === undefined || isSpace(c)) return true;
    if ('.,|:()'.includes(c)) return true;
    return input.startsWith('}}', pos);
  };
  const nextChar = (): string => {
    const cp = input.codePointAt(pos);
    if (cp === undefined) return '';
    const c = String.fromCodePoint(cp);
    pos += c.length;
    return c;
  };

  // text state
  for (;;) {
    const x = input.indexOf('{{', pos);
    if (x === -1) {
      pos = input.length;
      if (pos > start) emit('text');
      tokens.push({ type: 'eof', pos, value: '' });
      return tokens;
    }
    // text before the delimiter, trimmed when a left trim marker follows
    let textEnd = x;
    const trimLeft = hasLeftTrimMarker(input, x + 2);
    if (trimLeft) while (textEnd > start && isSpace(input[textEnd - 1])) textEnd--;
    pos = textEnd;
    if (pos > start) emit('text');
    pos = x;
    start = x;
    // left delimiter
    pos += 2;
    if (trimLeft) pos += 2;
    const afterMarker = pos;
    if (input.startsWith('/*', afterMarker)) {
      // comment
      const endComment = input.indexOf('*/', afterMarker + 2);
      if (endComment === -1) return fail('unclosed comment');
      pos = endComment + 2;
      const { delim, trim } = atRightDelim();
      if (!delim) return fail('comment ends before closing delimiter');
      pos += trim ? 4 : 2;
      start = pos;
      if (trim) skipSpaces();
      continue;
    }
    emit('leftDelim', '{{');
    start = pos;
    parenDepth = 0;
    // inside action
    for (;;) {
      const { delim, trim } = atRightDelim();
      if (delim) {
        if (trim) {
          pos += 2;
          start = pos;
        }
        pos += 2;
        emit('rightDelim', '}}');
        if (trim) skipSpaces();
        break;
      }
      const c = nextChar();
      if (c === '') return fail('unclosed action');
      if (isSpace(c)) {
        let n = 1;
        while (isSpace(input[pos])) {
          pos++;
          n++;
        }
        if (hasRightTrimMarker(input, pos - 1) && input.startsWith('}}', pos + 1)) {
          pos--;
          if (n === 1) {
            start = pos;
            continue;
          }
        }
        emit('space');
        continue;
      }
      switch (c) {
        case '=':
          emit('assign');
          continue;
        case ':':
          if (input[pos] !== '=') return fail('expected :=');
          pos++;
          emit('declare');
          continue;
        case '|':
          emit('pipe');
          continue;
        case '"': {
          for (;;) {
            const d = nextChar();
            if (d === '\\') {
              const e = nextChar();
              if (e !== '' && e !== '\n') continue;
              return fail('unterminated quoted string');
            }
            if (d === '' || d === '\n') return fail('unterminated quoted string');
            if (d === '"') break;
          }
          emit('string');
          continue;
        }
        case '`': {
          const close = input.indexOf('`', pos);
          if (close === -1) return fail('unterminated raw quoted string');
          pos = close + 1;
          emit('rawString');
          continue;
        }
        case "'": {
          for (;;) {
            const d = nextChar();
            if (d === '\\') {
              const e = nextChar();
              if (e !== '' && e !== '\n') continue;
              return fail('unterminated character constant');
            }
            if (d === '' || d === '\n') return fail('unterminated character constant');
            if (d === "'") break;
          }
          emit('charConstant');
          continue;
        }
        case '$': {
          if (atTerminator()) {
            emit('variable');
            continue;
          }
          let r = '';
          for (;;) {
            r = nextChar();
            if (r === '' || !isAlphaNumeric(r)) {
              pos -= r.length;
              break;
            }
          }
          if (!atTerminator()) return fail(`bad character ${formatRune(r)}`);
          emit('variable');
          continue;
        }
        case '(':
          emit('leftParen');
          parenDepth++;
          continue;
        case ')':
          emit('rightParen');
          parenDepth--;
          if (parenDepth < 0) return fail('unexpected right paren');
          continue;
      }
      if (c === '.') {
        const n = input[pos];
        if (n === undefined || n < '0' || n > '9') {
          // field or dot
          if (atTerminator()) {
            emit('dot');
            continue;
          }
          let r = '';
          for (;;) {
            r = nextChar();
            if (r === '' || !isAlphaNumeric(r)) {
              pos -= r.length;
              break;
            }
          }
          if (!atTerminator()) return fail(`bad character ${formatRune(r)}`);
          emit('field');
          continue;
        }
      }
      if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        pos -= c.length;
        if (!scanNumber()) return fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
        emit('number');
        continue;
      }
      if (isAlphaNumeric(c)) {
        let r = '';
        for (;;) {
          r = nextChar();
          if (r === '' || !isAlphaNumeric(r)) {
            pos -= r.length;
            break;
          }
        }
        const word = input.slice(start, pos);
        if (!atTerminator()) return fail(`bad character ${formatRune(r)}`);
        if (KEYWORDS.has(word)) emit('keyword');
        else if (word === 'true' || word === 'false') emit('bool');
        else if (word === 'nil') emit('nil');
        else emit('identifier');
        continue;
      }
      const cp = c.codePointAt(0) ?? 0;
      if (cp <= 0x7e && cp >= 0x21) {
        emit('char');
        continue;
      }
      return fail(`unrecognized character in action: ${formatRune(c)}`);
    }
    start = pos;
  }

  function accept(valid: string): boolean {
    const c = input[pos];
    if (c !== undefined && valid.includes(c)) {
      pos++;
      return true;
    }
    return false;
  }
  function acceptRun(valid: string): void {
    while (accept(valid)) {
      // absorb
    }
  }
  function scanNumber(): boolean {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    const cp = input.codePointAt(pos);
    if (cp !== undefined && isAlphaNumeric(String.fromCodePoint(cp))) {
      pos += String.fromCodePoint(cp).length;
      return false;
    }
    return true;
  }
}
