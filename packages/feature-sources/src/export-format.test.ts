import { describe, expect, it } from 'vitest';
import { renderFeaturesJson, renderLabelsJson } from './export-format.ts';

describe('renderFeaturesJson', () => {
  it('writes Go’s MarshalIndent: struct fields in order, map keys sorted by value, <>& escaped', () => {
    const text = renderFeaturesJson({
      flags: { 'kernel.loadedmodule': { elements: { b: {}, a: {} } }, 'cpu.cpuid': { elements: {} } },
      attributes: { 'kernel.version': { elements: { minor: '4', major: '6', full: '6.4<&>' } } },
      instances: {
        'pci.device': { elements: [{ attributes: { vendor: '10de', class: '0300' } }, { attributes: {} }] },
        'usb.device': { elements: [] },
      },
    });
    expect(text).toBe(
      `${JSON.stringify(
        {
          flags: { 'cpu.cpuid': { elements: {} }, 'kernel.loadedmodule': { elements: { a: {}, b: {} } } },
          attributes: { 'kernel.version': { elements: { full: '6.4<&>', major: '6', minor: '4' } } },
          instances: {
            'pci.device': {
              elements: [{ attributes: { class: '0300', vendor: '10de' } }, { attributes: {} }],
            },
            'usb.device': { elements: [] },
          },
        },
        null,
        4,
      ).replace('<&>', '\\u003c\\u0026\\u003e')}\n`,
    );
  });

  it('sorts integer-like keys as strings, as Go does (a JavaScript object would put them first)', () => {
    const text = renderFeaturesJson({
      flags: {},
      attributes: { 'cpu.x': { elements: { b: '1', '10': '2', '9': '3' } } },
      instances: {},
    });
    expect(text.indexOf('"10"')).toBeLessThan(text.indexOf('"9"'));
    expect(text.indexOf('"9"')).toBeLessThan(text.indexOf('"b"'));
  });

  it('sorts keys that look numeric but are no array index, and __proto__, as strings too', () => {
    const elements: Record<string, string> = { b: '1', '4294967295': '2', '01': '3' };
    Object.defineProperty(elements, '__proto__', { value: '4', enumerable: true });
    const text = renderFeaturesJson({ flags: {}, attributes: { 'cpu.x': { elements } }, instances: {} });
    const order = ['"01"', '"4294967295"', '"__proto__"', '"b"'].map((key) => text.indexOf(key));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(
      Object.getOwnPropertyDescriptor(JSON.parse(text).attributes['cpu.x'].elements, '__proto__')?.value,
    ).toBe('4');
  });

  it('labels: sorted keys, 4-space indentation', () => {
    expect(renderLabelsJson({ b: '1', a: '2', '9': '3', '10': '4' })).toBe(
      '{\n    "10": "4",\n    "9": "3",\n    "a": "2",\n    "b": "1"\n}\n',
    );
  });
});
