import type { AttributeFeatureSet, Features, FlagFeatureSet } from '@nfd/spec';
import { goDecode, goFields, goTrim, goTrimSpace, putKey, readFile, statPath } from '../go-text.ts';
import type { HostFs } from '../host-fs.ts';
import { emptyFeatures, type FeatureSource, type SourceContext } from '../source.ts';

// The kernel source (features.md §3.2, labels §4.2), after upstream source/kernel/*.go.

export const KERNEL_VERSION_FEATURE = 'kernel.version';
export const KERNEL_CONFIG_FEATURE = 'kernel.config';
export const KERNEL_LOADED_MODULE_FEATURE = 'kernel.loadedmodule';
export const KERNEL_ENABLED_MODULE_FEATURE = 'kernel.enabledmodule';
export const KERNEL_SELINUX_FEATURE = 'kernel.selinux';
export const KERNEL_KVM_FEATURE = 'kernel.kvm';

/** The worker config's `sources.kernel` (features.md §2.2). */
export interface KernelConfig {
  /** Read before every other kconfig candidate when non-empty (an unprefixed process path). */
  readonly kconfigFile: string;
  /** Options that become `config.<OPT>` labels when set in the kconfig. */
  readonly configOpts: readonly string[];
}

export const KERNEL_DEFAULT_CONFIG: KernelConfig = {
  kconfigFile: '',
  configOpts: ['NO_HZ', 'NO_HZ_IDLE', 'NO_HZ_FULL', 'PREEMPT'],
};

/**
 * `kernel.version` elements from the raw release (§3.2.1): characters outside [-A-Za-z0-9_.]
 * become one `_` each (per Go rune, hence the `u` flag), `-_.` trimmed at both ends; the number
 * groups are set even when their optional group did not match (then "").
 */
export function parseKernelVersion(release: string): Record<string, string> {
  const full = goTrim(release.replace(/[^-A-Za-z0-9_.]/gu, '_'), '-_.');
  const version: Record<string, string> = { full };
  const match = /^(\d+)(\.(\d+))?(\.(\d+))?(-.*)?$/s.exec(full);
  if (match !== null) {
    version.major = match[1] ?? '';
    version.minor = match[3] ?? '';
    version.revision = match[5] ?? '';
  }
  return version;
}

/** Parsed kconfig: values as written (outer `"` stripped) and the legacy label values. */
export interface Kconfig {
  readonly real: Record<string, string>;
  readonly legacy: Record<string, string>;
}

/**
 * Lines starting with `CONFIG_` that have a `=` (§3.2.2). Lines are split on "\n" only and not
 * trimmed, as upstream does (a CRLF file keeps its "\r"). Legacy: a raw value of exactly `y` or `m`
 * is "true"; a quoted "y" stays "y". The legacy map is built when first read (only labels need it).
 */
export function parseKconfig(text: string): Kconfig {
  const real: Record<string, string> = {};
  // Names whose last line gives y or m only once its quotes are trimmed: their legacy value stays.
  let quoted: Set<string> | undefined;
  // A scan with indexOf (a regular expression's matches cost twice as much on a cold start);
  // `equals` is the first "=" at or after the current line, kept while it lies ahead, so lines
  // without one cost no rescan.
  let equals = -1;
  let at = text.startsWith('CONFIG_') ? 0 : nextConfigLine(text, 0);
  while (at >= 0) {
    const newline = text.indexOf('\n', at);
    const end = newline < 0 ? text.length : newline;
    if (equals < at) equals = text.indexOf('=', at + 7);
    if (equals >= 0 && equals < end) {
      const name = text.slice(at + 7, equals);
      const raw = text.slice(equals + 1, end);
      const value =
        raw.charCodeAt(0) === 0x22 || raw.charCodeAt(raw.length - 1) === 0x22 ? goTrim(raw, '"') : raw;
      putKey(real, name, value);
      if (value === 'y' || value === 'm') {
        if (raw !== value) {
          quoted ??= new Set();
          quoted.add(name);
        } else quoted?.delete(name);
      }
    }
    at = newline < 0 ? -1 : nextConfigLine(text, newline);
  }
  let legacy: Record<string, string> | undefined;
  return {
    real,
    get legacy() {
      legacy ??= legacyValues(real, quoted);
      return legacy;
    },
  };
}

/** The start of the next line (after the "\n" at or after `from`) that starts with CONFIG_, or -1. */
function nextConfigLine(text: string, from: number): number {
  const at = text.indexOf('\nCONFIG_', from);
  return at < 0 ? -1 : at + 1;
}

function legacyValues(real: Record<string, string>, quoted: Set<string> | undefined): Record<string, string> {
  const legacy: Record<string, string> = {};
  for (const name of Object.keys(real)) {
    const value = real[name] as string;
    putKey(legacy, name, (value === 'y' || value === 'm') && quoted?.has(name) !== true ? 'true' : value);
  }
  return legacy;
}

/** Go's filepath.Ext: from the last dot of the last path element (dot files included). */
function goExt(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== '/'; i--) {
    if (path[i] === '.') return path.slice(i);
  }
  return '';
}

/**
 * The kconfig candidates in upstream's order (§3.2.2; the list comes from kubeadm's
 * system-validator). `/proc/config.gz` and `/lib/modules/R/build/.config` are process paths, not
 * host-prefixed (§1.2); without a release only three candidates remain.
 */
export function kconfigCandidates(fs: HostFs, kconfigFile: string, release: string | undefined): string[] {
  const first = kconfigFile === '' ? [] : [fs.abs(kconfigFile)];
  if (release === undefined)
    return [...first, fs.abs('/proc/config.gz'), fs.host('usr', 'src/linux/.config')];
  const r = release;
  return [
    ...first,
    fs.abs('/proc/config.gz'),
    fs.host('usr', `src/linux-${r}/.config`),
    fs.host('usr', `src/linux-rt-${r}/.config`),
    fs.host('usr', 'src/linux/.config'),
    fs.host('usr', `lib/modules/${r}/config`),
    fs.host('usr', `lib/ostree-boot/config-${r}`),
    fs.host('usr', `lib/kernel/config-${r}`),
    fs.host('usr', `src/linux-headers-${r}/.config`),
    fs.abs(`/lib/modules/${r}/build/.config`),
    fs.host('usr', `src/linux-rt-headers-${r}/.config`),
    fs.host('boot', `config-${r}`),
  ];
}

/** The first candidate that reads (and, for `.gz`, gunzips) without error; undefined if none. */
async function readKconfig(fs: HostFs, candidates: readonly string[]): Promise<string | undefined> {
  for (const path of candidates) {
    const read = await readFile(fs, path);
    if (!read.ok) continue;
    if (goExt(path) !== '.gz') return goDecode(read.bytes);
    try {
      // zlib loads only for a gzipped config (1 ms of a cold start otherwise), without an ESM facade.
      return goDecode(process.getBuiltinModule('node:zlib').gunzipSync(read.bytes));
    } catch {
      // A corrupt archive is one more unreadable candidate.
    }
  }
  return undefined;
}

/** The release string R (§3.2): /proc/sys/kernel/osrelease trimmed, unprefixed. */
async function readRelease(context: SourceContext): Promise<string | undefined> {
  const read = await readFile(context.fs, context.fs.abs('/proc/sys/kernel/osrelease'));
  if (!read.ok) {
    context.warn(`failed to get kernel version: ${read.reason}`);
    return undefined;
  }
  return goTrimSpace(goDecode(read.bytes));
}

/** First field of every non-empty line of /proc/modules, verbatim (§0.1, §3.2.3). */
export function parseLoadedModules(text: string): string[] {
  const modules: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    // A blank-but-not-empty line makes upstream index an empty field list and panic; skip it.
    const first = goFields(line)[0];
    if (first !== undefined) modules.push(first);
  }
  return modules;
}

/** Basenames without `.ko` of the trimmed modules.builtin lines that end in `.ko`, dashes kept (§3.2.4). */
export function parseBuiltinModules(text: string): string[] {
  const modules: string[] = [];
  for (const raw of text.split('\n')) {
    const line = goTrimSpace(raw);
    if (!line.endsWith('.ko')) continue;
    const base = line.slice(line.lastIndexOf('/') + 1);
    modules.push(base.slice(0, -'.ko'.length));
  }
  return modules;
}

function flagSet(names: readonly string[]): FlagFeatureSet {
  const elements: Record<string, Record<string, never>> = {};
  for (const name of [...new Set(names)].sort()) putKey(elements, name, {});
  return { elements };
}

/**
 * `kernel.selinux.enabled` (§3.2.5, upstream selinux.go): `<sys>/fs` must stat; a missing
 * `<sys>/fs/selinux` is "false"; otherwise `enforce` must be readable, and its first byte decides.
 * Upstream's code (not §3.2.5's wording) leaves the feature out when selinux/ exists but enforce
 * does not.
 */
async function detectSelinux(context: SourceContext): Promise<string | undefined> {
  const fs = context.fs;
  const base = fs.host('sys', 'fs');
  const baseStat = await statPath(fs, base);
  if (baseStat !== 'exists') {
    context.warn(`failed to detect selinux status: cannot stat ${fs.display(base)}`);
    return undefined;
  }
  if ((await statPath(fs, fs.host('sys', 'fs', 'selinux'))) === 'missing') return 'false';
  const enforce = await readFile(fs, fs.host('sys', 'fs', 'selinux', 'enforce'));
  if (!enforce.ok) {
    context.warn(`failed to detect selinux status: ${enforce.reason}`);
    return undefined;
  }
  const first = enforce.bytes[0];
  if (first === undefined) {
    // Upstream indexes the first byte unchecked and would panic on an empty file.
    context.warn(
      `failed to detect selinux status: ${fs.display(fs.host('sys', 'fs', 'selinux', 'enforce'))} is empty`,
    );
    return undefined;
  }
  return first === 0x31 ? 'true' : 'false';
}

/** `kernel.kvm.enabled` (§3.2.6): the kvm misc device exists; stat errors other than ENOENT -> absent. */
async function detectKvm(context: SourceContext): Promise<string | undefined> {
  const path = context.fs.host('sys', 'devices/virtual/misc/kvm');
  const stat = await statPath(context.fs, path);
  if (stat === 'error') {
    context.warn(`failed to detect kvm status: cannot stat ${context.fs.display(path)}`);
    return undefined;
  }
  return stat === 'exists' ? 'true' : 'false';
}

// Upstream keeps the legacy kconfig map in the source object for GetLabels; labels() here only
// gets the features, so the map rides along keyed by the kernel.config set it belongs to
// (mergeFeatures keeps set objects). Without it, legacy values are re-derived from the real ones,
// which differs only for a quoted "y"/"m".
const legacyByConfigSet = new WeakMap<AttributeFeatureSet, Kconfig>();

function legacyKconfig(features: Features): Record<string, string> | undefined {
  const set = features.attributes[KERNEL_CONFIG_FEATURE];
  if (set === undefined) return undefined;
  const known = legacyByConfigSet.get(set);
  if (known !== undefined) return known.legacy;
  const derived: Record<string, string> = {};
  for (const [name, value] of Object.entries(set.elements ?? {})) {
    putKey(derived, name, value === 'y' || value === 'm' ? 'true' : value);
  }
  return derived;
}

/** A kernel source with the given `sources.kernel` configuration. */
export function createKernelSource(config: Partial<KernelConfig> = {}): FeatureSource {
  const settings: KernelConfig = { ...KERNEL_DEFAULT_CONFIG, ...config };
  return {
    name: 'kernel',
    async discover(context: SourceContext): Promise<Features> {
      const features = emptyFeatures();
      const fs = context.fs;

      const release = await readRelease(context);
      if (release !== undefined)
        features.attributes[KERNEL_VERSION_FEATURE] = { elements: parseKernelVersion(release) };

      const kconfigText = await readKconfig(fs, kconfigCandidates(fs, settings.kconfigFile, release));
      if (kconfigText === undefined) {
        context.warn('failed to read kconfig: no kernel config file could be read');
      } else {
        const kconfig = parseKconfig(kconfigText);
        const set: AttributeFeatureSet = { elements: kconfig.real };
        legacyByConfigSet.set(set, kconfig);
        features.attributes[KERNEL_CONFIG_FEATURE] = set;
      }

      const enabled: string[] = [];
      const modules = await readFile(fs, fs.abs('/proc/modules'));
      if (modules.ok) {
        const loaded = parseLoadedModules(goDecode(modules.bytes));
        enabled.push(...loaded);
        features.flags[KERNEL_LOADED_MODULE_FEATURE] = flagSet(loaded);
      } else {
        context.warn(`failed to get loaded kernel modules: ${modules.reason}`);
      }

      // enabledmodule exists only when modules.builtin reads, which needs the release (§3.2.4).
      if (release === undefined) {
        context.warn('failed to get builtin kernel modules: kernel release unknown');
      } else {
        const builtin = await readFile(fs, fs.host('lib', `modules/${release}/modules.builtin`));
        if (builtin.ok) {
          enabled.push(...parseBuiltinModules(goDecode(builtin.bytes)));
          features.flags[KERNEL_ENABLED_MODULE_FEATURE] = flagSet(enabled);
        } else {
          context.warn(`failed to get builtin kernel modules: ${builtin.reason}`);
        }
      }

      const selinux = await detectSelinux(context);
      if (selinux !== undefined)
        features.attributes[KERNEL_SELINUX_FEATURE] = { elements: { enabled: selinux } };
      const kvm = await detectKvm(context);
      if (kvm !== undefined) features.attributes[KERNEL_KVM_FEATURE] = { elements: { enabled: kvm } };
      return features;
    },
    labels(features: Features): Record<string, string> {
      const labels: Record<string, string> = {};
      for (const [key, value] of Object.entries(
        features.attributes[KERNEL_VERSION_FEATURE]?.elements ?? {},
      )) {
        labels[`version.${key}`] = value;
      }
      const legacy = legacyKconfig(features);
      if (legacy !== undefined) {
        for (const option of settings.configOpts) {
          const value = Object.hasOwn(legacy, option) ? legacy[option] : undefined;
          if (value !== undefined) labels[`config.${option}`] = value;
        }
      }
      if (features.attributes[KERNEL_SELINUX_FEATURE]?.elements?.enabled === 'true')
        labels['selinux.enabled'] = 'true';
      return labels;
    },
  };
}

/** The kernel source with upstream's default configuration. */
export const kernelSource: FeatureSource = createKernelSource();
