import { describe, expect, it } from 'vitest';
import { parseTemplateOutput, TemplateOutputError } from './template-output.ts';

describe('parseTemplateOutput (matching.md §6.3)', () => {
  it('splits trimmed lines at the first =, keeping inner spaces', () => {
    expect(parseTemplateOutput('  a=b\n\n c = d \r\nx=y=z\n=v\n')).toEqual({
      a: 'b',
      'c ': ' d',
      x: 'y=z',
      '': 'v',
    });
  });

  it('lets a later key win', () => {
    expect(parseTemplateOutput('a=1\na=2')).toEqual({ a: '2' });
  });

  it('trims Go white space only, so a BOM stays part of the key', () => {
    expect(parseTemplateOutput('\u00a0k=v\u3000')).toEqual({ k: 'v' });
    expect(parseTemplateOutput('\ufeffk=v')).toEqual({ '\ufeffk': 'v' });
  });

  it('rejects a line without = (Q13)', () => {
    expect(() => parseTemplateOutput('ok=1\nbroken\n')).toThrow(TemplateOutputError);
    expect(() => parseTemplateOutput('broken')).toThrow(
      'invalid template output line "broken": expected "<key>=<value>"',
    );
  });

  it('yields nothing for blank output', () => {
    expect(parseTemplateOutput(' \n\t\n')).toEqual({});
  });
});
