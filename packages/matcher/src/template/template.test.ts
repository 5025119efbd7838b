import { describe, expect, it } from 'vitest';
import { parseTemplate, TEMPLATE_MAX_BYTES, TemplateError, templateFunctionNames } from './index.ts';

// Expected values are Go's (text/template + sprig v3.3 as vendored by NFD: xstrings 1.5, cast 1.7,
// semver 3.4); subtle ones carry a comment.

const nfd = {
  cpu: { cpuid: [{ Name: 'AVX' }, { Name: 'AVX2' }], model: [{ Name: 'family', Value: '6' }] },
  kernel: {
    loadedmodule: [{ Name: 'e1000' }, { Name: 'kvm' }],
    version: [
      { Name: 'major', Value: '5' },
      { Name: 'full', Value: '5.15.0-1034-azure' },
    ],
  },
  pci: {
    device: [
      { class: '0300', vendor: '10de', device: '1eb8' },
      { class: '0200', vendor: '8086', device: '1521' },
    ],
  },
};

function run(src: string, data: unknown = {}, maxOutputBytes?: number): string {
  const t = parseTemplate(src);
  return maxOutputBytes === undefined ? t.execute(data) : t.execute(data, { maxOutputBytes });
}

function parseError(src: string, name?: string): TemplateError {
  try {
    parseTemplate(src, name === undefined ? undefined : { name });
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    expect((e as TemplateError).phase).toBe('parse');
    return e as TemplateError;
  }
  throw new Error(`expected a parse error for ${src}`);
}

function execError(src: string, data: unknown = {}, maxOutputBytes?: number): TemplateError {
  const t = parseTemplate(src);
  try {
    if (maxOutputBytes === undefined) t.execute(data);
    else t.execute(data, { maxOutputBytes });
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    expect((e as TemplateError).phase).toBe('exec');
    return e as TemplateError;
  }
  throw new Error(`expected an exec error for ${src}`);
}

describe('NFD documentation-style templates', () => {
  it('ranges over instances, flags and attributes', () => {
    expect(run('{{ range .pci.device }}vendor-{{ .vendor }}-present=true\n{{ end }}', nfd)).toBe(
      'vendor-10de-present=true\nvendor-8086-present=true\n',
    );
    expect(run('{{ range .kernel.loadedmodule }}{{ .Name }}=loaded\n{{ end }}', nfd)).toBe(
      'e1000=loaded\nkvm=loaded\n',
    );
    expect(run('{{ range .kernel.version }}kver-{{ .Name }}={{ .Value }}\n{{ end }}', nfd)).toBe(
      'kver-major=5\nkver-full=5.15.0-1034-azure\n',
    );
    expect(run('{{ range .cpu.cpuid }}cpu-{{ .Name | lower }}=true\n{{ end }}', nfd)).toBe(
      'cpu-avx=true\ncpu-avx2=true\n',
    );
  });

  it('uses trimming, variables, index and sprig helpers like the upstream examples', () => {
    const src = `{{- range $i, $d := .pci.device }}
{{- if eq $d.class "0300" }}
gpu-{{ $i }}={{ index $d "vendor" }}
{{- end }}
{{- end }}
cpu-count={{ len .cpu.cpuid }}
first={{ (first .cpu.cpuid).Name }}
major={{ (index .kernel.version 0).Value | atoi | add 1 }}`;
    expect(run(src, nfd)).toBe('\ngpu-0=10de\ncpu-count=2\nfirst=AVX\nmajor=6');
  });

  it('a flag element has no Value key: missing key is an exec error', () => {
    const e = execError('{{ range .cpu.cpuid }}{{ .Name }}={{ .Value }}{{ end }}', nfd);
    expect(e.message).toBe('template: :1:37: executing "" at <.Value>: map has no entry for key "Value"');
    expect(e.line).toBe(1);
    expect(e.column).toBe(37);
  });

  it('features not in the data are missing keys', () => {
    expect(execError('{{ .system.osrelease }}', nfd).message).toBe(
      'template: :1:3: executing "" at <.system.osrelease>: map has no entry for key "system"',
    );
  });
});

describe('lexing, trimming and comments', () => {
  it('trims with {{- and -}} only when followed/preceded by a space', () => {
    expect(run('a  \n {{- 1 -}} \n  b')).toBe('a1b');
    expect(run('a {{-1}} b')).toBe('a -1 b'); // "-1" is a number, not a trim marker
    expect(run('a {{ 3 -}}\n\n b')).toBe('a 3b');
    expect(run('{{- "x" }}  ')).toBe('x  ');
  });

  it('comments, with and without trim markers', () => {
    expect(run('a {{/* c */}} b')).toBe('a  b');
    expect(run('a {{- /* c */ -}} b')).toBe('ab');
    expect(run('a{{/* multi\nline */}}b')).toBe('ab');
    expect(parseError('{{/* c }}').message).toBe('template: :1:0: unclosed comment');
    expect(parseError('{{/* c */ x }}').message).toBe(
      'template: :1:0: comment ends before closing delimiter',
    );
  });

  it('text only and empty templates', () => {
    expect(run('')).toBe('');
    expect(run('plain\ntext')).toBe('plain\ntext');
    expect(run('{{ "}}" }}')).toBe('}}');
  });

  it('literals', () => {
    expect(run('{{ 42 }} {{ -7 }} {{ +3 }} {{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }}')).toBe(
      '42 -7 3 31 15 15 5 1000',
    );
    // float literals are float64: %v uses the shortest form, exponent when exp < -4 or >= 21
    expect(run('{{ 1.5 }} {{ 1.0 }} {{ 1e6 }} {{ 100000.0 }} {{ 1e-5 }} {{ 0.0001 }} {{ 1234567.0 }}')).toBe(
      '1.5 1 1e+06 100000 1e-05 0.0001 1.234567e+06',
    );
    expect(run("{{ 'a' }} {{ '\\n' }} {{ '\\u00e9' }}")).toBe('97 10 233'); // chars are ints
    expect(run('{{ "a\\tb\\x41\\u00e9\\"" }}')).toBe('a\tbAé"');
    expect(run('{{ `raw\\n` }}')).toBe('raw\\n');
    expect(run('{{ true }} {{ false }}')).toBe('true false');
  });
});

describe('printing with %v', () => {
  it('maps sorted by key bytes, slices, nil', () => {
    const data = { m: { b: 2, a: 1, B: 3, é: 4 }, l: ['x', 'y'], n: null, e: {}, s: [] };
    expect(run('{{ .m }} {{ .l }} {{ .e }} {{ .s }}', data)).toBe('map[B:3 a:1 b:2 é:4] [x y] map[] []');
    expect(run('{{ .n }}', data)).toBe('<no value>');
    expect(run('{{ printf "%v" .n }}', data)).toBe('<nil>');
    expect(run('{{ .cpu }}', nfd)).toBe(
      'map[cpuid:[map[Name:AVX] map[Name:AVX2]] model:[map[Name:family Value:6]]]',
    );
  });

  it('index returns the zero value of the element type for a missing key', () => {
    expect(run('{{ index . "nosuch" }}', nfd)).toBe('map[]');
    expect(run('{{ index .cpu "nosuch" }}', nfd)).toBe('[]');
    expect(run('{{ index .cpu.cpuid 0 "nosuch" }}|', nfd)).toBe('|');
    expect(run('{{ index .pci.device 1 "vendor" }}', nfd)).toBe('8086');
    expect(run('{{ index (dict "a" 1) "b" }}')).toBe('<no value>'); // interface{} zero is nil
    expect(run('{{ index "abc" 1 }}')).toBe('98'); // a byte
    expect(execError('{{ index .cpu.cpuid 5 }}', nfd).message).toBe(
      'template: :1:3: executing "" at <index .cpu.cpuid 5>: error calling index: index out of range: 5',
    );
    expect(execError('{{ index 1 1 }}').message).toContain("can't index item of type int");
  });
});

describe('control structures', () => {
  it('if / else if / else', () => {
    const t = '{{ if eq . 1 }}one{{ else if eq . 2 }}two{{ else }}many{{ end }}';
    expect(run(t, 1)).toBe('one');
    expect(run(t, 2)).toBe('two');
    expect(run(t, 3)).toBe('many');
  });

  it('Go truthiness', () => {
    const t = '{{ if . }}T{{ else }}F{{ end }}';
    for (const v of [0, '', [], {}, false, null]) expect(run(t, v)).toBe('F');
    for (const v of [1, 'x', [0], { a: 1 }, true, 0.5]) expect(run(t, v)).toBe('T');
  });

  it('with / else with / else', () => {
    const t = '{{ with .x }}x={{ . }}{{ else with .y }}y={{ . }}{{ else }}none{{ end }}';
    expect(run(t, { x: 'X', y: 'Y' })).toBe('x=X');
    expect(run(t, { x: '', y: 'Y' })).toBe('y=Y');
    expect(run(t, { x: '', y: '' })).toBe('none');
  });

  it('range over lists, maps (sorted), ints, with else, break and continue', () => {
    expect(run('{{ range $i, $e := . }}{{ $i }}:{{ $e }} {{ end }}', ['a', 'b'])).toBe('0:a 1:b ');
    expect(run('{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}', { b: 2, a: 1, B: 3 })).toBe(
      'B=3;a=1;b=2;',
    );
    expect(run('{{ range $v := . }}{{ $v }}{{ end }}', { b: 2, a: 1 })).toBe('12'); // one variable = element
    expect(run('{{ range . }}{{ . }}{{ end }}', { b: 2, a: 1 })).toBe('12');
    expect(run('{{ range . }}x{{ else }}empty{{ end }}', [])).toBe('empty');
    expect(run('{{ range .n }}x{{ else }}nil{{ end }}', { n: null })).toBe('nil');
    expect(run('{{ range 3 }}{{ . }}{{ end }}')).toBe('012');
    const bc =
      '{{ range $i, $e := . }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ if eq $i 0 }}{{ continue }}{{ end }}{{ $e }}{{ end }}';
    expect(run(bc, ['a', 'b', 'c', 'd'])).toBe('b');
    expect(execError('{{ range "abc" }}{{ end }}').message).toContain("range can't iterate over abc");
    expect(execError('{{ range $i, $e := 3 }}{{ end }}').message).toContain(
      "can't use 3 to iterate over more than one variable",
    );
  });

  it('variables: declare, assign across scopes, $', () => {
    expect(run('{{ $x := 1 }}{{ range . }}{{ $x = add $x 1 }}{{ end }}{{ $x }}', ['a', 'b'])).toBe('3');
    expect(run('{{ range .l }}{{ $.top }}{{ end }}', { l: [1, 2], top: 'T' })).toBe('TT');
    expect(run('{{ with $x := "v" }}{{ $x }}{{ . }}{{ end }}')).toBe('vv');
    expect(parseError('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}').message).toBe(
      'template: :1:38: undefined variable "$y"',
    );
  });

  it('pipelines, parentheses and chains', () => {
    expect(run('{{ "abc" | printf "%s-%s" "x" }}')).toBe('x-abc');
    expect(run('{{ "a" | upper | printf "%s%s" "b" }}')).toBe('bA');
    expect(run('{{ (index .cpu.cpuid 1).Name }}', nfd)).toBe('AVX2');
    expect(run('{{ $e := index .cpu.cpuid 1 }}{{ $e.Name }}', nfd)).toBe('AVX2');
    expect(run('{{ (dict "a" (dict "b" "deep")).a.b }}')).toBe('deep');
  });

  it('define, template and block', () => {
    expect(run('{{ define "T" }}[{{ . }}]{{ end }}{{ template "T" "x" }}{{ template "T" 2 }}')).toBe(
      '[x][2]',
    );
    expect(run('{{ block "B" . }}default {{ . }}{{ end }}', 'd')).toBe('default d');
    // within one source a block cannot be redefined (Go needs a second Parse call for that)
    expect(parseError('{{ define "B" }}over{{ end }}{{ block "B" . }}default{{ end }}').message).toContain(
      'multiple definition of template "B"',
    );
    expect(execError('{{ template "nope" }}').message).toBe(
      'template: :1:12: executing "" at <{{template "nope"}}>: template "nope" not defined',
    );
  });
});

describe('built-in functions', () => {
  it('and / or short-circuit and return the deciding value', () => {
    expect(run('{{ and 1 0 2 }}|{{ and 1 2 }}|{{ or 0 "" "x" }}|{{ or 0 "" }}|')).toBe('0|2|x||');
    expect(run('{{ or 1 (fail "boom") }}')).toBe('1');
    expect(run('{{ and 0 .missing }}')).toBe('0');
    expect(run('{{ not 0 }} {{ not "x" }}')).toBe('true false');
  });

  it('len counts bytes of strings', () => {
    expect(run('{{ len "héllo" }} {{ len .cpu.cpuid }} {{ len .cpu }}', nfd)).toBe('6 2 2');
    expect(execError('{{ len 3 }}').message).toContain('error calling len: len of type int');
  });

  it('comparisons follow Go basic kinds', () => {
    expect(
      run(
        '{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ ne 1 2 }} {{ lt "a" "b" }} {{ le 2 2 }} {{ gt 3 2 }} {{ ge 1 2 }}',
      ),
    ).toBe('true true true true true true false');
    expect(run('{{ eq (add 1 1) 2 }}')).toBe('true'); // int64 and int are both integer kinds
    expect(run('{{ eq .x "a" }}', { x: null })).toBe('false'); // nil vs string: no error
    expect(execError('{{ eq 1 "a" }}').message).toBe(
      'template: :1:3: executing "" at <eq 1 "a">: error calling eq: incompatible types for comparison',
    );
    expect(execError('{{ lt 1 1.5 }}').message).toContain('incompatible types for comparison');
    expect(execError('{{ lt true false }}').message).toContain('invalid type for comparison');
  });

  it('print, println, printf', () => {
    expect(run('{{ print 1 2 "a" 3 "b" "c" }}')).toBe('1 2a3bc'); // space only between two non-strings
    expect(run('{{ println 1 "a" }}')).toBe('1 a\n');
    expect(
      run('{{ printf "%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%b|%c|%q|%U" 42 42 42 42 42 255 255 8 5 65 65 65 }}'),
    ).toBe("42|   42|42   |00042|+42|ff|FF|10|101|A|'A'|U+0041");
    expect(run('{{ printf "%s|%5s|%-5s|%q|%x|%.2s|%v" "ab" "ab" "ab" "a\\"b" "hi" "héllo" "s" }}')).toBe(
      'ab|   ab|ab   |"a\\"b"|6869|hé|s',
    );
    expect(
      run(
        '{{ printf "%f|%.2f|%e|%g|%.0f|%.0f|%.1f|%08.3f" 3.14159 3.14159 1234.5678 0.00001 2.5 3.5 0.25 -3.14159 }}',
      ),
    ).toBe(
      // %.0f rounds half to even on the exact binary value, like Go
      '3.141590|3.14|1.234568e+03|1e-05|2|4|0.2|-003.142',
    );
    expect(run('{{ printf "%t %v %%" true false }}')).toBe('true false %');
    expect(run('{{ printf "%v %s %d" (list 1 "a") (list "x" "y") (list 1 2) }}')).toBe('[1 a] [x y] [1 2]');
    expect(run('{{ printf "%T %T %T %T" 1 "s" (list) (add 1 1) }}')).toBe('int string []interface {} int64');
  });

  it('printf bad verbs, missing and extra operands', () => {
    expect(run('{{ printf "%d" "x" }}')).toBe('%!d(string=x)');
    expect(run('{{ printf "%s" 5 }}')).toBe('%!s(int=5)');
    expect(run('{{ printf "%d" }}')).toBe('%!d(MISSING)');
    expect(run('{{ printf "%d" 1 2 }}')).toBe('1%!(EXTRA int=2)');
    expect(run('{{ printf "%s" nil }}')).toBe('%!s(<nil>)');
    expect(run('{{ printf "%z" 1 }}')).toBe('%!z(int=1)');
    expect(run('{{ printf "%" }}')).toBe('%!(NOVERB)');
    expect(run('{{ printf "%[2]s %[1]s" "a" "b" }}')).toBe('b a');
  });

  it('html, js, urlquery escape like Go', () => {
    expect(run(`{{ html "<a href='x'>&\\"" }}`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&#34;');
    expect(run(`{{ js "a'b\\"c<d>=&\\n" }}`)).toBe('a\\\'b\\"c\\u003Cd\\u003E\\u003D\\u0026\\u000A');
    expect(run('{{ urlquery "a b&c=d/é" }}')).toBe('a+b%26c%3Dd%2F%C3%A9');
    expect(run('{{ html 1 2 }}')).toBe('1 2');
  });
});

describe('sprig: strings', () => {
  const cases: [string, string][] = [
    ['{{ trim "  a b \\n" }}', 'a b'],
    ['{{ trimAll "$" "$5.00$" }}', '5.00'],
    ['{{ trimall "$" "$5$" }}', '5'],
    ['{{ trimPrefix "-" "-x-" }}', 'x-'],
    ['{{ trimSuffix "-" "-x-" }}', '-x'],
    ['{{ upper "abc" }} {{ lower "ABC" }}', 'ABC abc'],
    ['{{ title "hello world-foo bar_baz" }}', 'Hello World-Foo Bar_baz'],
    ['{{ untitle "Hello World" }}', 'hello world'],
    [
      '{{ trunc 5 "hello world" }}|{{ trunc -5 "hello world" }}|{{ trunc 20 "abc" }}|{{ trunc -20 "abc" }}',
      'hello|world|abc|abc',
    ],
    [
      '{{ substr 1 3 "hello" }}|{{ substr -1 3 "hello" }}|{{ substr 2 -1 "hello" }}|{{ substr 2 99 "hello" }}',
      'el|hel|llo|llo',
    ],
    ['{{ repeat 3 "ab" }}', 'ababab'],
    ['{{ "ab" | repeat 2 }}', 'abab'],
    ['{{ nospace "a b  c\\td" }}', 'abcd'],
    ['{{ initials "hello big  world" }}', 'hbw'],
    ['{{ swapcase "Hello World" }}', 'hELLO wORLD'],
    [
      '{{ snakecase "FirstName" }} {{ snakecase "HTTPServer" }} {{ snakecase "GO PATH" }}',
      'first_name http_server go_path',
    ],
    ['{{ kebabcase "FirstName" }} {{ kebabcase "NoHTTPS" }}', 'first-name no-https'],
    // xstrings v1.5 (vendored by NFD) makes lower camel case
    ['{{ camelcase "http_server" }} {{ camelcase "_complex__case_" }}', 'httpServer _complex_Case_'],
    ['{{ wrap 5 "hello world foo" }}', 'hello\nworld\nfoo'],
    ['{{ wrapWith 5 "\\t" "hello world" }}', 'hello\tworld'],
    [
      '{{ contains "ell" "hello" }} {{ hasPrefix "he" "hello" }} {{ hasSuffix "lo" "hello" }}',
      'true true true',
    ],
    ['{{ quote "a" 1 nil }}', '"a" "1"'],
    ['{{ squote "a" 1 }}', "'a' '1'"],
    ['{{ cat "a" 1 nil "b" }}', 'a 1 b'],
    ['{{ indent 2 "a\\nb" }}', '  a\n  b'],
    ['{{ nindent 2 "a" }}', '\n  a'],
    ['{{ replace "a" "b" "aaa" }}', 'bbb'],
    ['{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}', 'one many'],
    ['{{ abbrev 5 "hello world" }}|{{ abbrev 3 "hello" }}', 'he...|hello'],
    ['{{ abbrevboth 5 10 "1234 5678 9123" }}', '...5678...'],
    ['{{ toString 5 }} {{ toString (float64 "1.5") }} {{ toString (list 1 2) }}', '5 1.5 [1 2]'],
    ['{{ toStrings (list 1 "a" nil) }}', '[1 a]'],
    ['{{ splitList "," "a,b,,c" }}', '[a b  c]'],
    ['{{ split "," "a,b" }}', 'map[_0:a _1:b]'],
    ['{{ (split "," "a,b")._1 }}', 'b'],
    ['{{ splitn "," 2 "a,b,c" }}', 'map[_0:a _1:b,c]'],
    ['{{ join "," (list "a" 1 nil) }}', 'a,1'],
    ['{{ sortAlpha (list "b" "B" "a") }}', '[B a b]'],
    ['{{ hello }}', 'Hello!'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(run(src)).toBe(want);
  });

  it('substr out of range is a Go runtime error', () => {
    expect(execError('{{ substr 3 1 "hello" }}').message).toBe(
      'template: :1:3: executing "" at <substr 3 1 "hello">: error calling substr: runtime error: slice bounds out of range [3:1]',
    );
  });

  it('typed parameters reject other kinds like Go', () => {
    expect(execError('{{ upper 1 }}').message).toBe(
      'template: :1:9: executing "" at <1>: expected string; found 1',
    );
    expect(execError('{{ trunc (add 1 1) "abc" }}').message).toContain(
      'wrong type for value; expected int; got int64',
    );
    expect(execError('{{ hasKey . "cpu" }}', nfd).message).toContain(
      'wrong type for value; expected map[string]interface {}; got map[string]map[string][]map[string]string',
    );
    expect(execError('{{ upper 1 2 }}').message).toContain('wrong number of args for upper: want 1 got 2');
  });
});

describe('sprig: regular expressions (RE2)', () => {
  const cases: [string, string][] = [
    ['{{ regexMatch "^[0-9]+$" "123" }} {{ regexMatch "(?i)intel" "GenuineIntel" }}', 'true true'],
    ['{{ regexFind "[0-9]+" "ab12cd34" }}', '12'],
    ['{{ regexFindAll "[0-9]+" "ab12cd34" -1 }} {{ regexFindAll "[0-9]+" "ab12cd34" 1 }}', '[12 34] [12]'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go regexp replacement syntax
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', '-W-xxW-'],
    // Go reads $1W as the group named "1W", which does not exist
    ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}', '---'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go regexp replacement syntax
    ['{{ regexReplaceAll "(?P<k>\\\\w+)=(\\\\w+)" "a=b" "$2=${k}" }}', 'b=a'],
    ['{{ regexReplaceAll "a*" "baaac" "X" }}', 'XbXcX'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go regexp replacement syntax
    ['{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', '-${1}-${1}-'],
    [
      '{{ regexSplit "z+" "pizza" -1 }} {{ regexSplit "" "abc" -1 }} {{ regexSplit "a" "banana" 2 }}',
      '[pi a] [a b c] [b nana]',
    ],
    ['{{ regexQuoteMeta "1.2+x" }}', '1\\.2\\+x'],
    ['{{ regexFind "." "😀x" }}', '😀'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(run(src)).toBe(want);
  });

  it('invalid patterns are function errors; regexMatch swallows them', () => {
    expect(run('{{ regexMatch "(" "x" }}')).toBe('false');
    expect(execError('{{ mustRegexMatch "(" "x" }}').message).toMatch(
      /error calling mustRegexMatch: error parsing regexp: missing closing \)/,
    );
    expect(execError('{{ regexFind "(?=x)" "x" }}').message).toContain(
      'error calling regexFind: error parsing regexp',
    );
  });
});

describe('sprig: numbers', () => {
  const cases: [string, string][] = [
    ['{{ atoi "12" }} {{ atoi "12a" }} {{ atoi " 1" }} {{ atoi "-3" }}', '12 0 0 -3'],
    // cast.ToInt parses base 0: 0x, 0o, leading-0 octal; "08" is invalid octal -> 0; "3.0" -> 3
    [
      '{{ int "0x1F" }} {{ int "010" }} {{ int "08" }} {{ int "3.0" }} {{ int "3.7" }} {{ int 3.7 }} {{ int true }}',
      '31 8 0 3 0 3 1',
    ],
    ['{{ int64 "42" }} {{ typeOf (int64 1) }} {{ typeOf (int "1") }}', '42 int64 int'],
    ['{{ float64 "1.5" }} {{ float64 "abc" }} {{ float64 3 }} {{ float64 "1e6" }}', '1.5 0 3 1e+06'],
    ['{{ add 1 2 3 }} {{ add1 5 }} {{ sub 5 7 }} {{ mul 2 3 4 }} {{ add "2" 3 }}', '6 6 -2 24 5'],
    ['{{ div 7 2 }} {{ div -7 2 }} {{ mod 7 3 }} {{ mod -7 3 }}', '3 -3 1 -1'],
    ['{{ max 1 5 3 }} {{ biggest 2 9 }} {{ min 4 2 }} {{ maxf 1.5 2 }} {{ minf 1.5 2 }}', '5 9 2 2 1.5'],
    // decimal arithmetic: 0.1 + 0.2 is exactly 0.3
    [
      '{{ addf 0.1 0.2 }} {{ add1f 1.5 }} {{ subf 1.5 0.5 }} {{ mulf 1.1 3 }} {{ divf 10 4 }}',
      '0.3 2.5 1 3.3 2.5',
    ],
    ['{{ divf 10 3 }}', '3.3333333333333335'],
    [
      '{{ ceil 1.2 }} {{ floor 1.8 }} {{ round 3.14159 2 }} {{ round 2.5 0 }} {{ round -1.5 0 }}',
      '2 1 3.14 3 -2',
    ],
    ['{{ toDecimal "0777" }} {{ toDecimal 17 }} {{ toDecimal "9" }}', '511 15 0'],
    ['{{ seq 3 }}|{{ seq 5 1 }}|{{ seq 0 2 10 }}|{{ seq 0 }}', '1 2 3|5 4 3 2 1|0 2 4 6 8 10|1 0'],
    ['{{ until 3 }} {{ until -2 }} {{ untilStep 0 10 4 }}', '[0 1 2] [0 -1] [0 4 8]'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(run(src)).toBe(want);
  });

  it('division by zero is an error', () => {
    expect(execError('{{ div 1 0 }}').message).toBe(
      'template: :1:3: executing "" at <div 1 0>: error calling div: runtime error: integer divide by zero',
    );
    expect(execError('{{ divf 1 0 }}').message).toContain('error calling divf: decimal division by 0');
  });
});

describe('sprig: lists', () => {
  const cases: [string, string][] = [
    ['{{ list 1 "a" 2.5 }}', '[1 a 2.5]'],
    [
      '{{ append (list 1) 2 }} {{ prepend (list 1) 0 }} {{ list 1 | append (list 0) }}',
      '[1 2] [0 1] [0 [1]]',
    ],
    [
      '{{ first (list 1 2 3) }} {{ last (list 1 2 3) }} {{ rest (list 1 2 3) }} {{ initial (list 1 2 3) }}',
      '1 3 [2 3] [1 2]',
    ],
    ['{{ first (list) }}', '<no value>'],
    ['{{ reverse (list 1 2 3) }}', '[3 2 1]'],
    ['{{ uniq (list 1 1 2 "1") }}', '[1 2 1]'],
    ['{{ without (list 1 2 3 2) 2 }}', '[1 3]'],
    ['{{ has 2 (list 1 2) }} {{ has "2" (list 1 2) }}', 'true false'],
    ['{{ compact (list 0 "" "a" nil false 1) }}', '[a 1]'],
    ['{{ slice (list 1 2 3 4) 1 3 }} {{ slice (list 1 2 3) 1 }} {{ slice (list 1 2) }}', '[2 3] [2 3] [1 2]'],
    ['{{ concat (list 1) (list 2 3) }}', '[1 2 3]'],
    ['{{ chunk 2 (list 1 2 3) }}', '[[1 2] [3]]'],
    ['{{ first .cpu.cpuid }}', 'map[Name:AVX]'],
    ['{{ tuple 1 2 }}', '[1 2]'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(run(src, nfd)).toBe(want);
  });

  it('non-list arguments are errors', () => {
    expect(execError('{{ first "abc" }}').message).toContain(
      'error calling first: Cannot find first on type string',
    );
    // sprig's slice replaces Go's built-in: strings are not lists
    expect(execError('{{ slice "abc" 1 2 }}').message).toContain(
      'list should be type of slice or array but string',
    );
  });
});

describe('sprig: dicts', () => {
  const cases: [string, string][] = [
    ['{{ dict "a" 1 "b" }}', 'map[a:1 b:]'], // odd argument count: last key maps to ""
    ['{{ get (dict "a" 1) "a" }}|{{ get (dict "a" 1) "z" }}|', '1||'],
    ['{{ hasKey (dict "a" 1) "a" }} {{ hasKey (dict "a" 1) "b" }}', 'true false'],
    ['{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }}', 'map[a:1 b:2]'],
    ['{{ unset (dict "a" 1 "b" 2) "a" }}', 'map[b:2]'],
    ['{{ keys (dict "b" 1 "a" 2) }}', '[a b]'], // sorted; sprig's order is random
    ['{{ values (dict "b" 1 "a" 2) }}', '[2 1]'], // in sorted key order
    ['{{ pick (dict "a" 1 "b" 2) "a" }} {{ omit (dict "a" 1 "b" 2) "a" }}', 'map[a:1] map[b:2]'],
    ['{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', '[1 3]'],
    ['{{ merge (dict "a" 1 "c" "") (dict "a" 2 "b" 3 "c" "x") }}', 'map[a:1 b:3 c:x]'],
    ['{{ mergeOverwrite (dict "a" 1) (dict "a" 2 "b" 3) }}', 'map[a:2 b:3]'],
    [
      '{{ dig "a" "b" "def" (dict "a" (dict "b" 5)) }} {{ dig "a" "x" "def" (dict "a" (dict "b" 5)) }}',
      '5 def',
    ],
    ['{{ $c := deepCopy (dict "a" (list 1)) }}{{ $c }}', 'map[a:[1]]'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(run(src)).toBe(want);
  });
});

describe('sprig: logic and types', () => {
  const cases: [string, string][] = [
    [
      '{{ default "x" "" }} {{ default "x" 0 }} {{ default "x" false }} {{ default "x" (list) }} {{ default "x" "y" }}',
      'x x x x y',
    ],
    ['{{ "" | default "d" }} {{ .v | default "d" }}', 'd d'],
    ['{{ empty "" }} {{ empty 0 }} {{ empty (list 1) }} {{ empty .n }}', 'true true false true'],
    ['{{ coalesce 0 "" "x" }} {{ coalesce 0 "" }}', 'x <no value>'],
    ['{{ all 1 "a" }} {{ all 1 "" }} {{ any 0 "" }} {{ any 0 "a" }}', 'true false false true'],
    ['{{ ternary "a" "b" true }} {{ ternary "a" "b" false }}', 'a b'],
    [
      '{{ typeOf 1 }}|{{ typeOf "a" }}|{{ typeOf 1.5 }}|{{ typeOf (list) }}|{{ typeOf (dict) }}|{{ typeOf nil }}',
      'int|string|float64|[]interface {}|map[string]interface {}|<nil>',
    ],
    [
      '{{ typeOf (splitList "," "a") }} {{ typeOf (until 2) }} {{ typeOf (semver "1.0.0") }}',
      '[]string []int *semver.Version',
    ],
    [
      '{{ kindOf (list) }} {{ kindOf (dict) }} {{ kindOf 1 }} {{ kindIs "int" 1 }} {{ typeIs "string" "a" }} {{ typeIsLike "string" "a" }}',
      'slice map int true true true',
    ],
    ['{{ deepEqual (list 1 (dict "a" 1)) (list 1 (dict "a" 1)) }} {{ deepEqual 1 (int64 1) }}', 'true false'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(run(src, { v: '', n: null })).toBe(want);
  });

  it('fail raises an exec error', () => {
    expect(execError('{{ fail "boom" }}').message).toBe(
      'template: :1:3: executing "" at <fail "boom">: error calling fail: boom',
    );
  });
});

describe('sprig: encoding and hashes', () => {
  const cases: [string, string][] = [
    ['{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }}', 'aGVsbG8= hello'],
    ['{{ b64dec "!!" }}', 'illegal base64 data at input byte 0'], // sprig returns the error text
    ['{{ b64dec "aGVsbG8" }}', 'illegal base64 data at input byte 4'],
    ['{{ b32enc "hello" }} {{ b32dec "NBSWY3DP" }} {{ b32enc "a" }}', 'NBSWY3DP hello ME======'],
    ['{{ toJson (dict "a" 1 "b" (list "x" "<")) }}', '{"a":1,"b":["x","\\u003c"]}'],
    ['{{ toRawJson (dict "b" (list "<")) }}', '{"b":["<"]}'],
    ['{{ toPrettyJson (dict "a" 1 "b" (list)) }}', '{\n  "a": 1,\n  "b": []\n}'],
    ['{{ toJson .cpu.cpuid }}', '[{"Name":"AVX"},{"Name":"AVX2"}]'],
    [
      '{{ (fromJson `{"a":[1,2]}`).a }} {{ typeOf (fromJson `{"a":1}`).a }} {{ fromJson "nope" }}',
      '[1 2] float64 <no value>',
    ],
    ['{{ sha1sum "abc" }}', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['{{ sha256sum "abc" }}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      '{{ sha512sum "abc" }}',
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    ],
    ['{{ adler32sum "abc" }}', '38600999'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(run(src, nfd)).toBe(want);
  });
});

describe('sprig: paths', () => {
  const cases: [string, string][] = [
    ['{{ base "/a/b.txt" }} {{ base "/a/" }} {{ base "" }}', 'b.txt a .'],
    ['{{ dir "/a/b.txt" }} {{ dir "a" }} {{ dir "/" }}', '/a . /'],
    ['{{ clean "a//b/../c/." }} {{ clean "/../x" }} {{ clean "" }}', 'a/c /x .'],
    ['{{ ext "x.tar.gz" }}|{{ ext "x" }}|{{ ext "a.b/c" }}', '.gz||'],
    ['{{ isAbs "/x" }} {{ isAbs "x" }} {{ osBase "/a/b" }}', 'true false b'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(run(src)).toBe(want);
  });
});

describe('sprig: versions (Masterminds semver v3)', () => {
  const cases: [string, string, boolean][] = [
    ['>=1.2', '1.2.0', true],
    ['>=1.2', '1.1.9', false],
    ['^1.2.0', '1.5.3', true],
    ['^1.2.0', '2.0.0', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['~1.2.0', '1.2.9', true],
    ['~1.2.0', '1.3.0', false],
    ['~1', '1.9.0', true],
    ['>=1, <2', '1.99.0', true],
    ['>=1.2, <2', '2.0.0', false],
    ['>= 1.2 < 3.0.0', '2.5.0', true],
    ['1.2 - 1.4', '1.3.9', true],
    ['1.2 - 1.4', '1.4.1', true], // 1.4 is dirty: <= 1.4 admits any 1.4.x
    ['1.2 - 1.4', '1.5.0', false],
    ['<1 || >=3', '3.1.0', true],
    ['<1 || >=3', '2.0.0', false],
    ['1.x', '1.9.9', true],
    ['1.2.x', '1.3.0', false],
    ['*', '4.5.6', true],
    ['!=1.2.3', '1.2.3', false],
    ['>1.2', '1.2.5', false], // dirty patch: only a greater minor counts
    ['>=1.2', '1.3.0-beta', false], // pre-releases need a pre-release constraint
    ['>=1.3.0-alpha', '1.3.0-beta', true],
    ['=1.2.3', 'v1.2.3', true],
    ['>=5.4', '5.15.0-1034-azure', false], // kernel version with a pre-release part
  ];
  it.each(cases)('semverCompare %s %s', (c, v, want) => {
    expect(run(`{{ semverCompare "${c}" "${v}" }}`)).toBe(String(want));
  });

  it('semver objects and errors', () => {
    expect(
      run('{{ semver "1.2.3-beta+m" }} {{ (semver "1.2.3-beta+m").Major }} {{ (semver "v2.1").Minor }}'),
    ).toBe('1.2.3-beta+m 1 1');
    expect(run('{{ $v := semver "1.2.3-rc.1" }}{{ $v.Prerelease }} {{ $v.Patch }}')).toBe('rc.1 3');
    expect(execError('{{ semverCompare "bad" "1.0.0" }}').message).toContain(
      'error calling semverCompare: improper constraint: bad',
    );
    expect(execError('{{ semverCompare ">1" "x" }}').message).toContain(
      'error calling semverCompare: Invalid Semantic Version',
    );
    expect(execError('{{ semver "1.2.3.4" }}').message).toContain('Invalid Semantic Version');
  });
});

describe('unsupported and unknown functions', () => {
  it.each(['env', 'expandenv', 'getHostByName', 'foo'])('%s is not defined (parse error)', (name) => {
    expect(parseError(`{{ ${name} "x" }}`).message).toBe(`template: :1:3: function "${name}" not defined`);
  });
  it.each([
    'now',
    'date',
    'randAlphaNum',
    'randInt',
    'uuidv4',
    'shuffle',
    'bcrypt',
    'genCA',
    'urlParse',
    'call',
  ])('%s is refused at parse time', (name) => {
    expect(parseError(`{{ ${name} }}`).message).toBe(
      `template: :1:3: function "${name}" is not supported by nfd-ts`,
    );
  });
  it('lists the supported functions', () => {
    const names = templateFunctionNames();
    for (const n of [
      'and',
      'printf',
      'index',
      'upper',
      'semverCompare',
      'regexReplaceAll',
      'sha512sum',
      'dig',
    ])
      expect(names).toContain(n);
    for (const n of ['env', 'now', 'call', 'uuidv4']) expect(names).not.toContain(n);
  });
});

describe('parse errors carry Go-style locations', () => {
  const cases: [string, string][] = [
    ['line1\n{{ foo }}', 'template: :2:3: function "foo" not defined'],
    ['{{ $x }}', 'template: :1:3: undefined variable "$x"'],
    ['{{ if true }}x', 'template: :1:14: unexpected EOF'],
    ['{{ end }}', 'template: :1:7: unexpected {{end}}'],
    ['{{ else }}', 'template: :1:8: unexpected {{else}}'],
    ['{{ if }}{{ end }}', 'template: :1:6: missing value for if'],
    ['{{ }}', 'template: :1:3: missing value for command'],
    ['{{ 1 | 2 }}', 'template: :1:7: non executable command in pipeline stage 2'],
    ['{{ break }}', 'template: :1:3: {{break}} outside {{range}}'],
    ['{{ 0x }}', 'template: :1:3: illegal number syntax: "0x"'],
    ['{{ "abc }}', 'template: :1:3: unterminated quoted string'],
    ['{{ .a', 'template: :1:5: unclosed action'],
    ['{{ 3x }}', 'template: :1:3: bad number syntax: "3x"'],
    ['{{ "a".b }}', 'template: :1:6: unexpected . after term "\\"a\\""'],
    ['{{ range $a, $b, $c := . }}{{ end }}', 'template: :1:15: too many declarations in range'],
    ['{{ if true }}{{ else }}{{ else }}{{ end }}', 'template: :1:31: expected end; found {{else}}'],
  ];
  it.each(cases)('%j', (src, want) => {
    expect(parseError(src).message).toBe(want);
  });

  it('uses the template name and reports line and column fields', () => {
    const e = parseError('a\nb\n  {{ nope }}', 'labels');
    expect(e.message).toBe('template: labels:3:5: function "nope" not defined');
    expect(e.line).toBe(3);
    expect(e.column).toBe(5);
  });
});

describe('exec errors carry Go-style locations', () => {
  it('reports line:col of the failing node and truncates long contexts', () => {
    expect(execError('x\n  {{ .nope }}').message).toBe(
      'template: :2:5: executing "" at <.nope>: map has no entry for key "nope"',
    );
    expect(execError('{{ .cpu.cpuid.Name }}', nfd).message).toBe(
      // Go would name the type []nodefeaturerule.MatchedElement
      'template: :1:3: executing "" at <.cpu.cpuid.Name>: can\'t evaluate field Name in type []map[string]string',
    );
    expect(execError('{{ nil }}').message).toBe(
      'template: :1:3: executing "" at <nil>: nil is not a command',
    );
    expect(execError('{{ .x.y }}', { x: null }).message).toContain('nil data; no entry for key "y"');
    expect(execError('{{ printf "%s" (fail "aaaaaaaaaaaaaaaaaaaaaaaaa") }}').message).toBe(
      'template: :1:16: executing "" at <fail "aaaaaaaaaaaaaa...>: error calling fail: aaaaaaaaaaaaaaaaaaaaaaaaa',
    );
    expect(execError('{{ $x := 1 }}{{ $x 2 }}').message).toContain("can't give argument to non-function $x");
  });
});

describe('bounds', () => {
  it('accepts exactly TEMPLATE_MAX_BYTES bytes of UTF-8 and rejects one more', () => {
    expect(TEMPLATE_MAX_BYTES).toBe(65536);
    expect(run('a'.repeat(65536))).toHaveLength(65536);
    expect(parseError('a'.repeat(65537)).message).toContain('65537 bytes');
    // é is 2 bytes in UTF-8 (1 UTF-16 unit): 32768 of them are exactly the limit
    expect(() => parseTemplate('é'.repeat(32768))).not.toThrow();
    expect(parseError(`${'é'.repeat(32768)}a`).phase).toBe('parse');
    // 😀 is 4 bytes (2 UTF-16 units)
    expect(() => parseTemplate('😀'.repeat(16384))).not.toThrow();
    expect(() => parseTemplate(`😀${'😀'.repeat(16384)}`)).toThrow(TemplateError);
  });

  it('bounds the output', () => {
    expect(run('{{ range until 10 }}xxxxxxxxxx{{ end }}', {}, 100)).toHaveLength(100);
    expect(execError('{{ range until 11 }}xxxxxxxxxx{{ end }}', {}, 100).message).toContain(
      'output exceeds the limit of 100 bytes',
    );
    expect(execError('{{ repeat 2000000 "x" }}').message).toContain(
      'error calling repeat: result exceeds the limit',
    );
    expect(execError('{{ $x := repeat 600000 "x" }}{{ $x }}{{ $x }}').message).toContain('output exceeds');
  });

  it('bounds recursion and work', () => {
    expect(execError('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}').message).toContain(
      'exceeded maximum template depth (1000)',
    );
    expect(execError('{{ range until 4000 }}{{ range until 4000 }}{{ end }}{{ end }}').message).toContain(
      'template execution exceeded',
    );
  });
});
