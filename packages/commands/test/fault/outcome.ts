// What a schedule's command did to the registry, read directly (./registry-state.ts), and the checks
// of its outcome: the stored state must match what the command printed (the list is in
// fault-schedules.test.ts). Every check adds violations; none stops at the first.
import type { RunResult } from '../host.ts';
import type { FaultProxy } from './fault-proxy.ts';
import type { Registry } from './registries.ts';
import {
  ARTIFACT_TYPE,
  blobExists,
  CREATED,
  type Descriptor,
  type FallbackIndex,
  getManifest,
  manifestExists,
  readFallbackIndex,
  readReferrers,
} from './registry-state.ts';
import type { Schedule } from './schedules.ts';

export interface Violation {
  readonly kind: string;
  readonly detail: string;
}

/** What the test put in the repository before the command. */
export interface Seeded {
  readonly repo: string;
  readonly subject: Descriptor;
  /** Oldest first; the last one is the newest (validate-spec reads it). */
  readonly artifacts: readonly (Descriptor & { readonly valid: boolean; readonly specDigest: string })[];
  /** Blobs that exist before the command. */
  readonly blobs: readonly string[];
  /** The spec attach-spec uploads (its bytes' digest), for attach schedules. */
  readonly attachSpecDigest?: string;
}

export interface Snapshot {
  readonly fallback: FallbackIndex | null;
  /** Why the fallback tag could not be read as an index, if so. */
  readonly fallbackUnreadable?: string;
  readonly referrers: Descriptor[] | null;
  /** Candidate manifest digest → exists. */
  readonly manifests: Map<string, boolean>;
  readonly blobs: Map<string, boolean>;
  /** NFD artifacts a client must find: the referrers API's (olareg), else the fallback index's that exist. */
  readonly attached: Set<string>;
  /** Every NFD artifact digest an index lists (fallback or referrers API). */
  readonly listed: Set<string>;
  /** Listed by the fallback index, but the manifest is gone. */
  readonly dangling: Set<string>;
}

const DIGEST = /sha256:[0-9a-f]{64}/g;

export function digestsIn(text: string): string[] {
  return [...new Set(text.match(DIGEST) ?? [])];
}

export async function snapshot(
  registry: Registry,
  seeded: Seeded,
  extraManifests: Iterable<string> = [],
  extraBlobs: Iterable<string> = [],
): Promise<Snapshot> {
  const { repo, subject } = seeded;
  let fallback: FallbackIndex | null = null;
  let fallbackUnreadable: string | undefined;
  try {
    fallback = await readFallbackIndex(registry, repo, subject.digest);
  } catch (error) {
    fallbackUnreadable = (error as Error).message;
  }
  const referrers = await readReferrers(registry, repo, subject.digest);
  const isSpec = (d: Descriptor): boolean => d.artifactType === ARTIFACT_TYPE;
  const fromFallback = (fallback?.entries ?? []).filter(isSpec).map((d) => d.digest);
  const fromApi = (referrers ?? []).filter(isSpec).map((d) => d.digest);

  const candidates = new Set<string>([
    subject.digest,
    ...seeded.artifacts.map((a) => a.digest),
    ...extraManifests,
    ...fromFallback,
    ...fromApi,
  ]);
  const manifests = new Map<string, boolean>();
  for (const digest of candidates) manifests.set(digest, await manifestExists(registry, repo, digest));
  const blobs = new Map<string, boolean>();
  for (const digest of new Set([...seeded.blobs, ...extraBlobs])) {
    blobs.set(digest, await blobExists(registry, repo, digest));
  }
  const exists = (d: string): boolean => manifests.get(d) === true;
  const attached = new Set(registry.referrersApi ? fromApi : fromFallback.filter(exists));
  return {
    fallback,
    ...(fallbackUnreadable === undefined ? {} : { fallbackUnreadable }),
    referrers,
    manifests,
    blobs,
    attached,
    listed: new Set([...fromFallback, ...fromApi]),
    dangling: new Set(fromFallback.filter((d) => !exists(d))),
  };
}

/** Digests of manifests and blobs the command tried to write (seen by the proxy, faulted or not). */
export function writtenThroughProxy(proxy: FaultProxy): {
  manifests: Set<string>;
  blobs: Set<string>;
  indexes: Set<string>;
} {
  const manifests = new Set<string>();
  const indexes = new Set<string>();
  const blobs = new Set<string>();
  for (const entry of proxy.log) {
    if (entry.manifestDigest !== undefined) {
      manifests.add(entry.manifestDigest);
      if (/\/manifests\/sha256-[0-9a-f]{64}$/.test(entry.path)) indexes.add(entry.manifestDigest);
    }
    if (entry.uploadDigest !== undefined) blobs.add(entry.uploadDigest);
  }
  return { manifests, blobs, indexes };
}

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean =>
  a.size === b.size && [...a].every((x) => b.has(x));

const show = (set: Iterable<string>): string => {
  const list = [...set].map((d) => d.slice(0, 19));
  return `{${list.join(', ')}}`;
};

export interface OutcomeInput {
  readonly schedule: Schedule;
  readonly registry: Registry;
  readonly seeded: Seeded;
  readonly before: Snapshot;
  readonly after: Snapshot;
  readonly result: RunResult;
  readonly proxy: FaultProxy;
  /** remove-spec: the digests it was asked to remove. */
  readonly targets: readonly string[];
}

/** The checks of the stored state against what the command printed. */
export async function checkOutcome(input: OutcomeInput): Promise<Violation[]> {
  const { schedule, registry, seeded, before, after, result, proxy } = input;
  const out: Violation[] = [];
  const add = (kind: string, detail: string): void => {
    out.push({ kind, detail });
  };
  const output = `${result.stdout}\n${result.stderr}`;
  const named = (digest: string): boolean => output.includes(digest);
  const written = writtenThroughProxy(proxy);
  const known = new Set([seeded.subject.digest, ...seeded.artifacts.map((a) => a.digest)]);
  const beforeTag = before.fallback?.digest;

  if (after.fallbackUnreadable !== undefined) {
    add('registry-holds-unreadable-index', `the fallback tag holds no index: ${after.fallbackUnreadable}`);
  }
  // Specs attached before (and not to be removed) must stay attached.
  const kept = [...before.attached].filter((d) => !input.targets.includes(d));
  const lost = kept.filter((d) => !after.attached.has(d));
  if (lost.length > 0)
    add('lost-spec', `attached before, no longer found: ${show(lost)} (exit ${result.code})`);

  // remove-spec deletes the fallback indexes it supersedes: one left untagged must be named. (After
  // attach-spec the superseded index stays as untagged garbage by design, as with the oras CLI:
  // RegistryTargetOptions.deleteSupersededIndexes is off.)
  const garbage = [...written.indexes, ...(beforeTag === undefined ? [] : [beforeTag])].filter(
    (d) =>
      schedule.op === 'remove' &&
      d !== after.fallback?.digest &&
      after.manifests.get(d) === true &&
      !named(d),
  );
  if (garbage.length > 0) {
    add('unnamed-untagged-index', `fallback index manifests left untagged and not named: ${show(garbage)}`);
  }

  if (result.code === 1 && schedule.op !== 'validate') {
    add('unexpected-exit-1', `${schedule.op} exited 1 (only validate-spec has a "no" result)`);
  }
  const claimsAbsence = /no compatibility spec/i.test(output);
  // (list-specs saying so with exit 0 is list-false-absence, below.)
  if (claimsAbsence && before.attached.size > 0 && schedule.op !== 'attach' && result.code !== 0) {
    add(
      'false-absence',
      `exit ${result.code}, says "${(/[^\n]*no compatibility spec[^\n]*/i.exec(output)?.[0] ?? '').trim().slice(0, 160)}" but ${before.attached.size} spec(s) are attached`,
    );
  }

  switch (schedule.op) {
    case 'attach':
      await checkAttach();
      break;
    case 'list':
      checkReadOnly();
      checkList();
      break;
    case 'validate':
      checkReadOnly();
      checkValidate();
      break;
    case 'remove':
      checkRemove();
      break;
  }
  return out;

  async function checkAttach(): Promise<void> {
    if (after.dangling.size > 0)
      add('dangling-index-entry', `the fallback index lists missing ${show(after.dangling)}`);
    const added = [...after.attached].filter((d) => !before.attached.has(d));
    if (result.code === 0) {
      let printed: string | undefined;
      if (schedule.json) {
        try {
          printed = (JSON.parse(result.stdout) as { digest?: string }).digest;
        } catch {
          printed = undefined;
        }
      } else {
        printed = /^(sha256:[0-9a-f]{64})\n$/.exec(result.stdout)?.[1];
      }
      if (printed === undefined) {
        add(
          'attach-output',
          `exit 0 without a digest on stdout: ${JSON.stringify(result.stdout.slice(0, 200))}`,
        );
        return;
      }
      if (after.manifests.get(printed) !== true)
        add('attach-printed-missing', `printed ${printed}, which does not exist`);
      if (!after.attached.has(printed)) {
        add(
          'attach-not-listed',
          `printed ${printed.slice(0, 19)}, not listed by the ${registry.referrersApi ? 'referrers API' : 'fallback index'} (listed: ${show(after.attached)})`,
        );
      }
      const extra = added.filter((d) => d !== printed);
      if (extra.length > 0)
        add('attach-extra', `besides ${printed.slice(0, 19)} also attached: ${show(extra)}`);
      if (after.manifests.get(printed) === true) {
        const bytes = await getManifest(registry, seeded.repo, printed);
        const problem = bytes === null ? 'gone' : artifactProblem(bytes, seeded);
        if (problem !== undefined) add('attach-wrong-content', `${printed.slice(0, 19)}: ${problem}`);
      }
      return;
    }
    // A failed attach: nothing new remains, or the message names each leftover and its clean-up.
    const leftovers: string[] = [];
    let newArtifact = false;
    for (const digest of written.manifests) {
      if (known.has(digest) || written.indexes.has(digest) || after.manifests.get(digest) !== true) continue;
      newArtifact = true;
      if (!(named(digest) && output.includes(`--digest ${digest}`))) leftovers.push(digest);
    }
    for (const digest of added) {
      if (!written.manifests.has(digest) && !named(digest)) leftovers.push(digest);
    }
    if (leftovers.length > 0) {
      add(
        'attach-unnamed-leftover-artifact',
        `exit ${result.code}: artifact(s) ${show(leftovers)} remain${[...leftovers].some((d) => after.attached.has(d)) ? ' (attached!)' : ' (not listed)'}, not named with a remove-spec --digest clean-up`,
      );
    }
    if (!newArtifact) {
      const blobs = [...written.blobs].filter(
        (d) => !seeded.blobs.includes(d) && after.blobs.get(d) === true && !named(d),
      );
      if (blobs.length > 0) {
        add(
          'attach-unnamed-leftover-blob',
          `exit ${result.code}: uploaded blob(s) ${show(blobs)} remain, not named`,
        );
      }
    }
  }

  function checkReadOnly(): void {
    const changes: string[] = [];
    if (!sameSet(before.attached, after.attached)) {
      changes.push(`attached ${show(before.attached)} → ${show(after.attached)}`);
    }
    if (before.fallback?.digest !== after.fallback?.digest) changes.push('the fallback tag moved');
    for (const [digest, existed] of before.manifests) {
      if (existed && after.manifests.get(digest) !== true) changes.push(`${digest.slice(0, 19)} deleted`);
    }
    if (written.manifests.size > 0) changes.push(`${written.manifests.size} manifest PUT(s)`);
    if (changes.length > 0) add('read-only-changed-state', `${schedule.op}: ${changes.join('; ')}`);
  }

  function checkList(): void {
    if (result.code !== 0) return;
    let printed: string[];
    let subject: string | undefined;
    if (schedule.json) {
      try {
        const parsed = JSON.parse(result.stdout) as {
          subject?: { digest?: string };
          specs?: { digest: string }[];
        };
        printed = (parsed.specs ?? []).map((s) => s.digest);
        subject = parsed.subject?.digest;
      } catch {
        add(
          'list-output',
          `exit 0 with stdout that is not JSON: ${JSON.stringify(result.stdout.slice(0, 200))}`,
        );
        return;
      }
    } else {
      const all = digestsIn(result.stdout);
      subject = all.includes(seeded.subject.digest) ? seeded.subject.digest : all[0];
      printed = all.filter((d) => d !== subject);
    }
    if (subject !== seeded.subject.digest)
      add('list-wrong-subject', `subject ${subject} ≠ ${seeded.subject.digest}`);
    const truth = after.attached;
    if (!sameSet(new Set(printed), truth)) {
      add(
        printed.length === 0 ? 'list-false-absence' : 'list-wrong-set',
        `exit 0 printed ${show(printed)}, the registry has ${show(truth)}`,
      );
    }
  }

  function checkValidate(): void {
    const attached = seeded.artifacts.filter((a) => after.attached.has(a.digest));
    const newest = attached.at(-1);
    if (result.code === 2) return; // false absence is checked above
    if (newest === undefined) {
      add('validate-without-spec', `exit ${result.code}, but no spec is attached`);
      return;
    }
    const expected = newest.valid ? 0 : 1;
    if (result.code !== expected) {
      add(
        'validate-wrong-verdict',
        `exit ${result.code}, the newest spec ${newest.digest.slice(0, 19)} is ${newest.valid ? 'valid' : 'invalid'}`,
      );
    }
    if (!result.stdout.includes(newest.digest)) {
      add(
        'validate-wrong-artifact',
        `stdout does not name the newest spec ${newest.digest.slice(0, 19)}: ${JSON.stringify(result.stdout.slice(0, 160))}`,
      );
    }
  }

  function checkRemove(): void {
    const targets = input.targets;
    const where = (d: string): string[] => {
      const places: string[] = [];
      if (after.manifests.get(d) === true) places.push('manifest exists');
      if (after.fallback?.entries.some((e) => e.digest === d)) places.push('fallback index lists it');
      if (after.referrers?.some((e) => e.digest === d)) places.push('referrers API lists it');
      return places;
    };
    if (result.code === 0) {
      const printed = digestsIn(result.stdout);
      if (!sameSet(new Set(printed), new Set(targets))) {
        add('remove-wrong-output', `printed ${show(printed)}, asked to remove ${show(targets)}`);
      }
      for (const d of new Set([...printed, ...targets])) {
        const places = where(d);
        if (places.length > 0) add('remove-incomplete', `exit 0 but ${d.slice(0, 19)}: ${places.join(', ')}`);
      }
      const others = [...after.dangling].filter((d) => !targets.includes(d));
      if (others.length > 0) add('dangling-index-entry', `the fallback index lists missing ${show(others)}`);
      return;
    }
    const changed =
      !sameSet(before.attached, after.attached) ||
      before.fallback?.digest !== after.fallback?.digest ||
      after.dangling.size > 0 ||
      [...before.manifests].some(([d, existed]) => existed && after.manifests.get(d) !== true);
    if (!changed) return;
    const unnamed = [...new Set([...targets, ...after.dangling])].filter(
      (d) => where(d).length > 0 && !named(d),
    );
    if (unnamed.length > 0) {
      add(
        'remove-unnamed-remains',
        `exit ${result.code}, registry changed, not named: ${unnamed.map((d) => `${d.slice(0, 19)} (${where(d).join(', ')})`).join('; ')}`,
      );
    }
  }
}

/** Why an attached artifact manifest is not what attach-spec should have written, or undefined. */
function artifactProblem(bytes: Buffer, seeded: Seeded): string | undefined {
  let manifest: {
    artifactType?: string;
    subject?: Descriptor;
    layers?: Descriptor[];
    annotations?: Record<string, string>;
  };
  try {
    manifest = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (manifest.artifactType !== ARTIFACT_TYPE) return `artifactType ${manifest.artifactType}`;
  const s = manifest.subject;
  if (
    s?.digest !== seeded.subject.digest ||
    s.size !== seeded.subject.size ||
    s.mediaType !== seeded.subject.mediaType
  ) {
    return `subject ${JSON.stringify(s)} ≠ the image ${JSON.stringify(seeded.subject)}`;
  }
  if (manifest.layers?.[0]?.digest !== seeded.attachSpecDigest)
    return `spec layer ${manifest.layers?.[0]?.digest}`;
  if (manifest.annotations?.[CREATED] === undefined) return 'no created annotation';
  return undefined;
}
