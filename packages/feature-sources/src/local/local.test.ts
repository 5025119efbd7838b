import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeFixtureHosts,
  FIXTURE_HOSTS,
  FIXTURE_HOSTS_DIR,
  fixtureContext,
  type TempHost,
  type TreeEntry,
  tempHost,
} from '../test-support.ts';
import { localSource, MAX_FEATURE_FILE_SIZE, parseFeatureFile, parseGoRfc3339 } from './local.ts';

const DIR = 'etc/kubernetes/node-feature-discovery/features.d';
const NOW = new Date('2026-07-01T12:00:00Z');

let host: TempHost | undefined;
afterEach(async () => {
  await host?.remove();
  host = undefined;
});

async function discover(files: Record<string, TreeEntry>, now: Date = NOW) {
  const entries: Record<string, TreeEntry> = {};
  for (const [name, entry] of Object.entries(files)) entries[`${DIR}/${name}`] = entry;
  host = await tempHost(entries, { now });
  const context = host.context;
  const features = await localSource.discover(context);
  return {
    features,
    context,
    label: features.attributes['local.label']?.elements,
    feature: features.attributes['local.feature']?.elements,
  };
}

function parse(text: string, now: Date = NOW) {
  const problems: string[] = [];
  return { ...parseFeatureFile(text, now, (message) => problems.push(message)), problems };
}

// Local labels are not prefixed, so the shared labels test does not apply.
describeFixtureHosts(localSource, { expect: 'features', noWarnings: false, labels: false }, () => {
  for (const name of FIXTURE_HOSTS) {
    it(`${name}: labels equal expected-labels.json (keys unprefixed)`, async () => {
      const features = await localSource.discover(await fixtureContext(name));
      const all = JSON.parse(
        await readFile(join(FIXTURE_HOSTS_DIR, name, 'expected-labels.json'), 'utf8'),
      ) as Record<string, string>;
      const labels = localSource.labels(features);
      for (const [key, value] of Object.entries(labels)) expect(all[key]).toBe(value);
      expect(labels).toEqual(features.attributes['local.label']?.elements);
    });
  }

  it('gpu-node: the four local labels are exactly the unprefixed keys of expected-labels.json', async () => {
    const labels = localSource.labels(await localSource.discover(await fixtureContext('gpu-node')));
    expect(labels).toEqual({
      'gpu.example.com/cuda': '12.4',
      'gpu.example.com/driver-version': '535.154.05',
      infiniband: 'true',
      'nvidia.com/mig.capable': 'false',
    });
  });
});

describe('local feature files', () => {
  it('both features exist and are empty when the directory is missing', async () => {
    host = await tempHost({});
    const context = host.context;
    expect(await localSource.discover(context)).toEqual({
      flags: {},
      attributes: { 'local.label': { elements: {} }, 'local.feature': { elements: {} } },
      instances: {},
    });
    expect(context.warnings).toEqual([]);
  });

  it('key=value, key alone -> "true", split on the first =, keys may carry a namespace', () => {
    const { features, labels } = parse('a=1\nflag\nvendor.io/x=a=b\n  spaced = v \nempty=\n');
    const expected = { a: '1', flag: 'true', 'vendor.io/x': 'a=b', 'spaced ': ' v', empty: '' };
    expect(features).toEqual(expected);
    expect(labels).toEqual(expected);
  });

  it('comments are skipped; unknown directives are reported and ignored', () => {
    const { features, problems } = parse('# a comment\n#+no-label\n# +whatever\n# +no-label=1\nx=1\ny=2\n');
    // "#+no-label" is a plain comment; "# +no-label=1" is the no-label directive.
    expect(features).toEqual({ x: '1', y: '2' });
    expect(parse('# +no-label=1\nx=1\ny=2\n').labels).toEqual({ y: '2' });
    expect(problems).toEqual(['unknown feature file directive "whatever"']);
  });

  it('no-label / no-feature affect the next key only, and delete an earlier value of that key', () => {
    const text = [
      'a=1',
      'b=1',
      '# +no-label',
      'a=2',
      'c=3',
      '# +no-feature',
      'b=2',
      '# +no-label',
      '# +no-feature',
      'd=4',
    ];
    const { features, labels } = parse(text.join('\n'));
    expect(features).toEqual({ a: '2', c: '3' });
    expect(labels).toEqual({ b: '2', c: '3' });
  });

  it('expiry: a past expiry hides the following lines, a future one does not; invalid ones are ignored', () => {
    const text = [
      'before=1',
      '# +expiry-time=2026-07-01T11:59:59Z',
      'expired=1',
      '# +expiry-time=2026-07-01T12:00:00Z',
      'exactly_now=1',
      '# +expiry-time=not-a-time',
      'still_now=1',
      '# +expiry-time=2020-01-01T00:00:00Z',
      '# +expiry-time',
      'still_past=1',
      '# +expiry-time = 2030-01-01T00:00:00Z',
      'still_past2=1',
      '# +expiry-time=  2030-01-01T00:00:00+02:00  ',
      'future=1',
    ];
    const { features, problems } = parse(text.join('\n'));
    expect(features).toEqual({ before: '1', exactly_now: '1', still_now: '1', future: '1' });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^failed to parse expiry-date directive/);
    expect(problems[1]).toMatch(/^invalid directive format/);
    expect(problems[2]).toBe('unknown feature file directive "expiry-time "');
  });

  it('expiry applies per file; an expired file leaves the other files alone', async () => {
    const { feature, label } = await discover({
      a: '# +expiry-time=2026-01-01T00:00:00Z\nold=1\n',
      b: 'old=2\nnew=1\n',
    });
    expect(feature).toEqual({ old: '2', new: '1' });
    expect(label).toEqual({ old: '2', new: '1' });
  });

  it.each([
    ['2026-07-01T12:00:00Z', Date.UTC(2026, 6, 1, 12)],
    ['2026-07-01T12:00:00.123456789Z', Date.UTC(2026, 6, 1, 12, 0, 0, 123)],
    ['2026-07-01T12:00:00,5+01:00', Date.UTC(2026, 6, 1, 11, 0, 0, 500)],
    ['2026-07-01T9:00:00-02:30', Date.UTC(2026, 6, 1, 11, 30)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0001-01-01T00:00:00Z', -62_135_596_800_000],
  ])('RFC 3339 %j', (text, millis) => {
    expect(parseGoRfc3339(text)).toBe(millis);
  });

  it.each([
    '2026-07-01',
    '2026-07-01 12:00:00Z',
    '2026-07-01t12:00:00Z',
    '2026-07-01T12:00:00z',
    '2026-07-01T12:00:00',
    '2026-07-01T12:00Z',
    '2026-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-07-01T24:00:00Z',
    '2026-07-01T12:00:60Z',
    '2026-07-01T12:00:00.Z',
    '2026-07-01T12:00:00+0100',
    '2026-07-01T12:00:00+25:00',
    '26-07-01T12:00:00Z',
  ])('not RFC 3339 for Go: %j', (text) => {
    expect(parseGoRfc3339(text)).toBeUndefined();
  });

  it('hidden files are ignored; later files override earlier ones key by key', async () => {
    const { feature, label } = await discover({
      '.hidden': 'hidden=1\n',
      '10-first': 'a=1\nb=1\n',
      '20-second': 'b=2\nc=2\n',
      'Z-upper': 'a=upper\n',
    });
    // Go's byte order: "10-first" < "20-second" < "Z-upper".
    expect(feature).toEqual({ a: 'upper', b: '2', c: '2' });
    expect(label).toEqual(feature);
  });

  it("a later no-label file does not delete an earlier file's label", async () => {
    const { feature, label } = await discover({ a: 'x=1\n', b: '# +no-label\nx=2\n' });
    expect(feature).toEqual({ x: '2' });
    expect(label).toEqual({ x: '1' });
  });

  it('skips files over 64 KiB entirely; exactly 64 KiB is read', async () => {
    const pad = (size: number, line: string) => `${line}\n${'#'.repeat(size - line.length - 2)}\n`;
    const { feature, context } = await discover({
      big: pad(MAX_FEATURE_FILE_SIZE + 1, 'big=1'),
      fits: pad(MAX_FEATURE_FILE_SIZE, 'fits=1'),
    });
    expect(feature).toEqual({ fits: '1' });
    expect(context.warnings).toEqual([
      `failed to read file /${DIR}/big: file size limit exceeded: 65537 bytes > 65536 bytes`,
    ]);
  });

  it('directories yield nothing; dangling links are skipped; links to files are read', async () => {
    const { feature } = await discover({
      subdir: { dir: true },
      'subdir/inner': 'inner=1\n',
      dangling: { link: '/nonexistent/file' },
      linked: { link: 'subdir/inner' },
    });
    expect(feature).toEqual({ inner: '1' });
  });

  it('keeps white space handling of Go: CRLF lines and Unicode spaces are trimmed', () => {
    expect(parse('a=1\r\n\u00a0b=2\u0085\n\ufeffc=3\n').features).toEqual({ a: '1', b: '2', '\ufeffc': '3' });
  });

  it('a key named __proto__ is an ordinary element', () => {
    const { features } = parse('__proto__=x\n');
    expect(Object.keys(features)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(features)).toBe(Object.prototype);
  });
});
