// The matcher's checks of an image compatibility spec, for `compat validate-spec`: templates parse,
// feature names have the domain.feature form, and each expression's values are usable (regexes
// compile, versions parse, integer bounds ordered).
import type { CompatibilitySpec, LoadedDocument, SpecIssue } from '@nfd/spec';
import { formatIssuePath } from '@nfd/spec';
import { checkGroupRule } from './validate.ts';

/**
 * The kinds of expression problem reported elsewhere: @nfd/spec's own checks report operators,
 * value counts and `type`; an untyped ordering value that is not an integer (`Ge ["5.15"]`) is a
 * warning of the requirement lint ("add `type: version`"), as issue #3 asks.
 */
const SPEC_CHECKED = ['unknown-op', 'value-count', 'unsupported-type', 'not-a-number'] as const;

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
