import type {
  CompatibilityStatus,
  HostFacts,
  MatchedExpressionStatus,
  ReportedExpression,
  RuleStatus,
} from '@nfd/spec';
import { goJsonEscape, stringifyForGo } from '@nfd/spec';
import { createStyler } from './style.ts';
import { renderTable } from './table.ts';

// The validate-node report (upstream's CompatibilityStatus list; matching.md §10). The shapes are
// @nfd/spec's result types, which @nfd/matcher produces, so this package needs no matcher dependency.

export type { CompatibilityStatus, HostFacts, MatchedExpressionStatus, ReportedExpression, RuleStatus };

export type CompatibilityFormat = 'table' | 'json' | 'yaml';

export interface CompatibilityRenderOptions {
  color?: boolean;
  /** Keep `host` facts in JSON/YAML (they are always used by the table). */
  explain?: boolean;
}

/**
 * Go's encoding/json escapes <, > and & (and U+2028/U+2029) inside strings; doing the same keeps
 * our compact JSON byte-identical to upstream's (§10.1). Outside strings these never occur.
 */
export function goJson(value: unknown): string {
  return goJsonEscape(JSON.stringify(value));
}

/** The report without the `host` facts of `--explain`: upstream's shape exactly. */
export function withoutHostFacts(statuses: readonly CompatibilityStatus[]): CompatibilityStatus[] {
  const strip = (list: MatchedExpressionStatus[]): MatchedExpressionStatus[] =>
    list.map(({ host: _host, ...rest }) => rest);
  return statuses.map((status) => ({
    ...status,
    rules:
      status.rules?.map((rule) => {
        const out: RuleStatus = { name: rule.name, isMatch: rule.isMatch };
        if (rule.matchedExpressions !== undefined) out.matchedExpressions = strip(rule.matchedExpressions);
        if (rule.matchedAny !== undefined) {
          out.matchedAny = rule.matchedAny.map((any) => ({
            matchedExpressions: any.matchedExpressions === null ? null : strip(any.matchedExpressions),
          }));
        }
        return out;
      }) ?? null,
  }));
}

/** Renders the report; JSON is upstream's compact document (plus `host` with explain), then a newline. */
export function renderCompatibilityReport(
  statuses: readonly CompatibilityStatus[],
  format: CompatibilityFormat,
  options: CompatibilityRenderOptions = {},
): string {
  const data = options.explain === true ? statuses : withoutHostFacts(statuses);
  if (format === 'json') return `${goJson(data)}\n`;
  if (format === 'yaml') return stringifyForGo(data);
  return renderCompatibilityTable(statuses, options.color ?? false);
}

/** `{op: "In", value: ["a" "b"]}`: upstream's MatchExpression.String(). */
export function formatReportedExpression(expression: ReportedExpression): string {
  const quote = (text: string): string => JSON.stringify(text);
  const op = `{op: ${quote(expression.op)}`;
  const value = expression.value === undefined ? '' : `, value: [${expression.value.map(quote).join(' ')}]`;
  const type = expression.type === undefined ? '' : `, type: ${quote(expression.type)}`;
  return `${op}${value}${type}}`;
}

function describeHost(facts: HostFacts | undefined): string {
  if (facts === undefined) return '';
  if (!facts.featurePresent) return 'feature not present';
  if (facts.names !== undefined) return facts.names.length === 0 ? 'no elements' : facts.names.join(', ');
  const parts: string[] = [];
  if (facts.value !== undefined) parts.push(JSON.stringify(facts.value));
  if (facts.flag === true) parts.push('flag present');
  if (facts.instances !== undefined) {
    const values = [...new Set(facts.instances.map((v) => (v === null ? '(absent)' : JSON.stringify(v))))];
    parts.push(
      `${facts.instances.length} instance${facts.instances.length === 1 ? '' : 's'}: ${values.join(', ')}`,
    );
  }
  return parts.length === 0 ? 'element not present' : parts.join('; ');
}

/** Upstream's table (set header, one table per rule), plus "Node has" for every FAIL. */
function renderCompatibilityTable(statuses: readonly CompatibilityStatus[], color: boolean): string {
  const style = createStyler(color);
  const out: string[] = [];
  if (statuses.length === 0) return 'No compatibility set was evaluated (check --tags).\n';
  for (const [i, status] of statuses.entries()) {
    const tag = status.tag === undefined ? '' : `; Tag: ${status.tag}`;
    out.push(
      `${style(['cyan', 'bold'], `COMPATIBILITY SET #${i + 1} `)}${style('cyan', `Weight: ${status.weight ?? 0}${tag}`)}`,
    );
    out.push(`Description: ${status.description ?? ''}`);
    for (const rule of status.rules ?? []) {
      const verdict = rule.isMatch ? style('bgGreen', ' OK ') : style('bgRed', ' FAIL ');
      const all = [
        ...(rule.matchedExpressions ?? []),
        ...(rule.matchedAny ?? []).flatMap((any) => any.matchedExpressions ?? []),
      ];
      // "Node has" only where something failed: what the node has instead.
      const explain = all.some((e) => !e.isMatch && e.host !== undefined);
      const row = (e: MatchedExpressionStatus): string[] => [
        e.name === '' ? e.feature : `${e.feature}.${e.name}`,
        formatReportedExpression(e.expression),
        e.matcherType,
        e.isMatch ? style('greenBright', 'OK') : style('redBright', 'FAIL'),
        ...(explain ? [e.isMatch ? '' : describeHost(e.host)] : []),
      ];
      out.push(
        renderTable({
          title: style('bold', `${`rule: ${rule.name}`.toUpperCase()} - ${verdict}`),
          header: ['Feature', 'Expression', 'Matcher Type', 'Status', ...(explain ? ['Node has'] : [])],
          groups: [
            (rule.matchedExpressions ?? []).map(row),
            ...(rule.matchedAny ?? []).map((any) => (any.matchedExpressions ?? []).map(row)),
          ],
        }).trimEnd(),
      );
    }
    out.push('');
  }
  const compatible = statuses.filter((s) => (s.rules ?? []).every((r) => r.isMatch)).length;
  out.push(
    compatible > 0
      ? style(
          ['bold', 'green'],
          `Compatible: ${compatible} of ${statuses.length} compatibility sets match this node.`,
        )
      : style(
          ['bold', 'red'],
          `Not compatible: none of ${statuses.length} compatibility sets matches this node.`,
        ),
  );
  return `${out.join('\n')}\n`;
}
