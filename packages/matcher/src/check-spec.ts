// The matcher's checks of an image compatibility spec, for `compat validate-spec`: templates parse,
// feature names have the domain.feature form, and each expression's values are usable (regexes
// compile, integers and versions parse, integer bounds ordered). Value counts, operators and
// `type` are already checked by @nfd/spec, so those problems are left to it.
import type { CompatibilitySpec, LoadedDocument, SpecIssue } from '@nfd/spec';
import { formatIssuePath } from '@nfd/spec';
import { checkGroupRule } from './validate.ts';

/** The kinds of expression problem @nfd/spec's own checks already report. */
const SPEC_CHECKED = ['unknown-op', 'value-count', 'unsupported-type'] as const;

export function checkCompatibilitySpecRules(
  doc: LoadedDocument<CompatibilitySpec>,
  file: string,
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const [s, set] of doc.value.compatibilities.entries()) {
    for (const [r, rule] of set.rules.entries()) {
      const findings = checkGroupRule(rule, ['compatibilities', s, 'rules', r], {
        skip: SPEC_CHECKED,
        names: false,
      });
      for (const { path, message } of findings) {
        const { line, column } = doc.locate(path);
        issues.push({ severity: 'error', file, line, column, path: formatIssuePath(path), message });
      }
    }
  }
  return issues;
}
