/** The template function map: Go built-ins + sprig v3 (text), minus what NFD removes or we refuse. */
import { builtinFuncs } from './funcs-builtin.ts';
import { sprigDataFuncs } from './funcs-sprig-data.ts';
import { sprigStringFuncs } from './funcs-sprig-strings.ts';
import type { FuncDef } from './funcs-types.ts';

/**
 * Sprig functions that upstream NFD offers but nfd-ts refuses at parse time: they are
 * non-deterministic (time, randomness, UUIDs), produce key material, or are not implemented
 * (`urlParse`, `urlJoin`), plus Go's `call` (no function values exist in NFD data).
 */
export const REFUSED_FUNCTIONS: readonly string[] = [
  // dates
  'ago',
  'date',
  'date_in_zone',
  'date_modify',
  'dateInZone',
  'dateModify',
  'duration',
  'durationRound',
  'htmlDate',
  'htmlDateInZone',
  'must_date_modify',
  'mustDateModify',
  'mustToDate',
  'now',
  'toDate',
  'unixEpoch',
  // random values
  'randAlphaNum',
  'randAlpha',
  'randAscii',
  'randNumeric',
  'randInt',
  'randBytes',
  'shuffle',
  'uuidv4',
  // crypto
  'bcrypt',
  'htpasswd',
  'genPrivateKey',
  'derivePassword',
  'buildCustomCert',
  'genCA',
  'genCAWithKey',
  'genSelfSignedCert',
  'genSelfSignedCertWithKey',
  'genSignedCert',
  'genSignedCertWithKey',
  'encryptAES',
  'decryptAES',
  // URLs
  'urlParse',
  'urlJoin',
  // Go built-in
  'call',
];

const refused = new Set(REFUSED_FUNCTIONS);

export const FUNCS: Record<string, FuncDef> = Object.assign(
  Object.create(null) as Record<string, FuncDef>,
  builtinFuncs,
  sprigStringFuncs,
  // sprig's own `slice` (lists only) replaces Go's built-in, as in upstream's Funcs() order.
  sprigDataFuncs,
);

/** Parse-time check: undefined when usable, else the error text. */
export function checkFunction(name: string): string | undefined {
  if (Object.hasOwn(FUNCS, name)) return undefined;
  if (refused.has(name)) return `function ${JSON.stringify(name)} is not supported by nfd-ts`;
  return `function ${JSON.stringify(name)} not defined`;
}
