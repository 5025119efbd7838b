// Seeded fault schedules. A schedule is derived from one 32-bit seed alone, so a seed printed with
// a violation reproduces it (NFD_FAULT_SEEDS=seed[,seed…]): seed % 24 picks the group (main or
// stalled-body), the command and the registry; a mulberry32 stream of the seed picks the set-up
// (specs attached before, which one to remove, output format) and the fault for each request.
import type { Fault } from './faults.ts';

export const OPS = ['attach', 'list', 'validate', 'remove'] as const;
export type Op = (typeof OPS)[number];

/** docker-registry (tag-schema fallback), docker-registry with htpasswd Basic auth, olareg (referrers API). */
export const REGISTRY_KINDS = ['plain', 'basic', 'olareg'] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

export type Group = 'main' | 'stall';

export interface Schedule {
  readonly seed: number;
  readonly group: Group;
  readonly op: Op;
  readonly registry: RegistryKind;
  /** Specs attached (directly, before the command): the oldest first, the last is the newest. */
  readonly existing: readonly { readonly valid: boolean }[];
  /** remove-spec: `--digest` of one attached spec, or every spec (`--yes`). */
  readonly removeMode: 'digest' | 'all';
  /** remove-spec --digest: index into `existing`. */
  readonly removeIndex: number;
  /** list-specs / attach-spec output format. */
  readonly json: boolean;
  /**
   * Stalled-body schedules: pass `--request-timeout 5s` (where the commands have the flag), or rely
   * on its default. Main schedules never pass it.
   */
  readonly shortTimeout: boolean;
  /** The fault of the n-th request on the proxy's main origin; past the end, or null: a clean pass. */
  readonly faults: readonly (Fault | null)[];
}

/** Requests a command makes at most in these schedules (retries included); later ones pass clean. */
export const PLANNED_REQUESTS = 48;

/** How many requests each command makes without faults, roughly: the first fault lands in these. */
const TYPICAL_REQUESTS: Record<Op, number> = { attach: 10, list: 3, validate: 5, remove: 6 };

const COMBOS = OPS.length * REGISTRY_KINDS.length; // 12

/** A small, fast PRNG (mulberry32): floats in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit mix of two numbers (splitmix-like), to derive schedule seeds from the base seed. */
function mix(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e3779b1) ^ Math.imul((b + 0x7f4a7c15) >>> 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seed whose residue mod 24 is `residue`, derived from (base, n). */
function seedWithResidue(base: number, n: number, residue: number): number {
  const raw = mix(base, n) >>> 5; // < 2^27: room for the residue
  return raw - (raw % 24) + residue;
}

/**
 * The seeds of a run: `main` schedules cycling through every command × registry, then `stall`
 * schedules over attach/list/validate/remove on docker-registry and olareg (then basic).
 */
export function scheduleSeeds(base: number, main: number, stall: number): number[] {
  const seeds: number[] = [];
  for (let i = 0; i < main; i++) seeds.push(seedWithResidue(base, i, i % COMBOS));
  const stallCombos = [0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7];
  for (let j = 0; j < stall; j++) {
    let seed = seedWithResidue(base, 1_000_000 + j, COMBOS + (stallCombos[j % COMBOS] ?? 0));
    // Alternate the default request timeout and a short one (bit 0 of seed / 24).
    if (Math.floor(seed / 24) % 2 !== j % 2) seed += 24;
    seeds.push(seed);
  }
  return seeds;
}

function pick<T>(random: () => number, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, weight] of weighted) {
    r -= weight;
    if (r < 0) return value;
  }
  return (weighted.at(-1) as readonly [T, number])[0];
}

const FAULT_WEIGHTS = [
  ['status', 3],
  ['throttle', 2],
  ['reset-request', 1.5],
  ['reset-response', 1.5],
  ['reset-body', 1],
  ['truncate', 1.5],
  ['content-length', 1.5],
  ['flip', 3],
  ['redirect', 2],
] as const;

function randomFault(random: () => number): Fault {
  const kind = pick(random, FAULT_WEIGHTS);
  switch (kind) {
    case 'status': {
      const status = pick(random, [
        [500, 1],
        [502, 1],
        [503, 1],
      ] as const);
      return status === 503 && random() < 0.5
        ? { kind, status, retryAfter: random() < 0.5 ? 0 : 1 }
        : { kind, status };
    }
    case 'throttle':
      return { kind, retryAfter: random() < 0.6 ? 0 : 1 };
    case 'reset-body':
    case 'truncate':
      return { kind, cut: random() };
    case 'content-length': {
      const size = 1 + Math.floor(random() * 40);
      return { kind, delta: random() < 0.5 ? -size : size };
    }
    case 'flip': {
      const count = 1 + Math.floor(random() * 3);
      const flips = Array.from({ length: count }, () => ({
        at: random(),
        mask: 1 << Math.floor(random() * 7),
      }));
      return { kind, flips };
    }
    default:
      return { kind };
  }
}

/** The schedule of `seed` (see the file comment). */
export function scheduleFor(seed: number): Schedule {
  const residue = seed % 24;
  const group: Group = residue >= COMBOS ? 'stall' : 'main';
  const combo = residue % COMBOS;
  const op = OPS[combo % OPS.length] as Op;
  const registry = REGISTRY_KINDS[Math.floor(combo / OPS.length)] as RegistryKind;
  const random = prng(seed);

  const count =
    op === 'attach'
      ? random() < 0.5
        ? 0
        : 1
      : pick(random, [
          [0, 1],
          [1, 4],
          [2, 4],
        ] as const);
  const existing = Array.from({ length: count }, () => ({ valid: op !== 'validate' || random() < 0.6 }));
  const removeMode = op === 'remove' && (count === 0 || random() < 0.4) ? 'all' : 'digest';
  const removeIndex = Math.floor(random() * Math.max(1, count));
  const json = random() < 0.5;

  const faults: (Fault | null)[] = Array.from({ length: PLANNED_REQUESTS }, () => null);
  const typical = TYPICAL_REQUESTS[op];
  const probability = group === 'main' ? 0.3 : 0.12;
  for (let i = 0; i < PLANNED_REQUESTS; i++) {
    if (random() < probability) faults[i] = randomFault(random);
  }
  // At least one fault where every run of the command passes.
  const first = Math.floor(random() * typical);
  if (group === 'stall') {
    faults[first] = { kind: 'stall', cut: random(), sticky: random() < 0.5 };
  } else if (!faults.slice(0, typical).some((f) => f !== null)) {
    faults[first] = randomFault(random);
  }
  const shortTimeout = group === 'stall' && Math.floor(seed / 24) % 2 === 1;
  return { seed, group, op, registry, existing, removeMode, removeIndex, json, shortTimeout, faults };
}

/**
 * One line: `seed 123 attach/basic (main) existing=[valid] faults #2:503 #5:flip`, the faults of the
 * first `upTo` requests only (those the command made).
 */
export function describeSchedule(schedule: Schedule, upTo: number = PLANNED_REQUESTS): string {
  const existing = schedule.existing.map((e) => (e.valid ? 'valid' : 'invalid')).join(',');
  const extra =
    schedule.op === 'remove'
      ? ` remove=${schedule.removeMode === 'all' ? 'all' : `#${schedule.removeIndex}`}`
      : schedule.op === 'list' || schedule.op === 'attach'
        ? ` output=${schedule.json ? 'json' : 'text'}`
        : '';
  const faults = schedule.faults
    .slice(0, upTo)
    .flatMap((f, i) => (f === null ? [] : [`#${i}:${describeFaultShort(f)}`]))
    .join(' ');
  const timeout =
    schedule.group === 'stall' ? (schedule.shortTimeout ? ' --request-timeout=5s' : ' default-timeout') : '';
  return `seed ${schedule.seed} ${schedule.op}/${schedule.registry} (${schedule.group})${timeout} existing=[${existing}]${extra} faults ${faults}`;
}

function describeFaultShort(fault: Fault): string {
  switch (fault.kind) {
    case 'status':
      return fault.retryAfter === undefined
        ? String(fault.status)
        : `${fault.status}(ra=${fault.retryAfter})`;
    case 'throttle':
      return `429(ra=${fault.retryAfter})`;
    case 'stall':
      return fault.sticky ? 'stall(sticky)' : 'stall';
    default:
      return fault.kind;
  }
}
