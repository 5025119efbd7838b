import { Command, Option } from '@commander-js/extra-typings';
import {
  type CompatibilityStatus,
  compileCompatibilitySpec,
  describeHostFacts,
  indexFeatures,
  isSetCompatible,
  type MatchedExpressionStatus,
  pickFeatures,
} from '@nfd/matcher';
import { createStyler, formatReportedExpression, renderTable, withoutHostFacts } from '@nfd/report';
import type { CompatibilitySet, CompatibilitySpec, NodeFeature } from '@nfd/spec';
import { NFD_API_VERSION, stringifyForGo } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { specForEvaluation } from '../documents.ts';
import { NODE_NAME_LABEL } from '../kube/client.ts';
import { DEFAULT_NFD_NAMESPACE, groupByNode, mergeAsMaster, nodeNameOf } from '../kube/node-features.ts';
import { connectWithFlags, type KubeFlags, kubeOptions } from '../kube/options.ts';
import { collectList } from '../option-values.ts';
import { registryOptions } from '../registry-options.ts';
import { readSpecText, type SpecSourceFlags, specSourceOptions } from '../spec-source.ts';
import { colorEnabled } from '../terminal.ts';
import { type BestSet, bestSet } from './compat-select-image.ts';
import { nfdNamespaceOption } from './compat-validate-node.ts';

/** With at most this many selected nodes, their NodeFeatures are listed by a node-name selector. */
const SELECTIVE_LIST_MAX = 50;

/** One node of the matrix (the JSON shape of `compat validate-cluster` and `compat job`). */
export interface ClusterNode {
  name: string;
  compatible: boolean;
  bestSet: BestSet | null;
  /** The validate-node report of each (tag-filtered) compatibility set, upstream's shape. */
  sets: CompatibilityStatus[];
  /** Why the node could not be judged (no NodeFeature object, an evaluation error); absent when it was. */
  reason?: string;
}

export interface ClusterReport {
  nodes: ClusterNode[];
  summary: { compatible: number; incompatible: number };
}

/** The sets evaluated with these tags, in spec order (all of them without tags; §10.3). */
export function selectedSets(spec: CompatibilitySpec, tags: readonly string[]): CompatibilitySet[] {
  if (tags.length === 0) return spec.compatibilities;
  const wanted = new Set(tags);
  return spec.compatibilities.filter((set) => set.tag !== undefined && wanted.has(set.tag));
}

/**
 * A node's entry from its evaluated sets; `bestSet.index` is the set's position in `sets` (the
 * spec's order after the tag filter).
 */
export function judgeNode(
  name: string,
  sets: readonly CompatibilitySet[],
  statuses: readonly CompatibilityStatus[],
): ClusterNode {
  const best = bestSet({ version: 'v1alpha1', compatibilities: [...sets] } as CompatibilitySpec, statuses);
  return { name, compatible: best !== null, bestSet: best, sets: [...statuses] };
}

/** A node that could not be evaluated: incompatible, with the reason. */
export function unjudgedNode(name: string, reason: string): ClusterNode {
  return { name, compatible: false, bestSet: null, sets: [], reason };
}

export function clusterReport(nodes: ClusterNode[]): ClusterReport {
  const compatible = nodes.filter((node) => node.compatible).length;
  return { nodes, summary: { compatible, incompatible: nodes.length - compatible } };
}

/** The first expression that failed: of the first set's first failing rule (what the table shows). */
export function firstFailure(node: ClusterNode): string {
  if (node.reason !== undefined) return node.reason;
  const [index, status] = [...node.sets.entries()].find(([, s]) => !isSetCompatible(s)) ?? [];
  if (status === undefined || index === undefined) return '';
  const rule = (status.rules ?? []).find((r) => !r.isMatch);
  if (rule === undefined) return '';
  const expressions: MatchedExpressionStatus[] = [
    ...(rule.matchedExpressions ?? []),
    ...(rule.matchedAny ?? []).flatMap((any) => any.matchedExpressions ?? []),
  ];
  const failed = expressions.find((e) => !e.isMatch);
  const where = `set #${index + 1} rule ${JSON.stringify(rule.name)}`;
  if (failed === undefined) return `${where} did not match`;
  const feature = failed.name === '' ? failed.feature : `${failed.feature}.${failed.name}`;
  const has = failed.host === undefined ? '' : `; node has: ${describeHostFacts(failed.host)}`;
  return `${where}: ${feature} ${formatReportedExpression(failed.expression)}${has}`;
}

export interface ClusterRenderOptions {
  /** The evaluated sets (the matrix's columns). */
  sets: readonly CompatibilitySet[];
  color?: boolean;
  /** Keep what each node has (`host`) in JSON/YAML. */
  explain?: boolean;
}

/** The matrix as a table, or the report as JSON/YAML. */
export function renderClusterReport(
  report: ClusterReport,
  format: 'table' | 'json' | 'yaml',
  options: ClusterRenderOptions,
): string {
  if (format !== 'table') {
    const data: ClusterReport = {
      nodes: report.nodes.map((node) => ({
        ...node,
        sets: options.explain === true ? node.sets : withoutHostFacts(node.sets),
      })),
      summary: report.summary,
    };
    return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : stringifyForGo(data);
  }
  const style = createStyler(options.color ?? false);
  const columns = options.sets.map(
    (set, i) =>
      `#${i + 1}${set.tag === undefined || set.tag === '' ? '' : ` ${set.tag}`} (w${set.weight ?? 0})`,
  );
  const table =
    report.nodes.length === 0
      ? ''
      : renderTable({
          header: ['Node', 'Compatible', ...columns, 'Best set', 'First failing expression'],
          groups: [
            report.nodes.map((node) => [
              node.name,
              node.compatible ? style('greenBright', 'yes') : style('redBright', 'no'),
              ...options.sets.map((_, i) => {
                const status = node.sets[i];
                if (status === undefined) return '';
                return isSetCompatible(status) ? style('greenBright', 'OK') : style('redBright', 'FAIL');
              }),
              node.bestSet === null
                ? ''
                : `#${node.bestSet.index + 1}${node.bestSet.tag === null ? '' : ` ${node.bestSet.tag}`}`,
              node.compatible ? '' : firstFailure(node),
            ]),
          ],
        });
  const { compatible, incompatible } = report.summary;
  const total = compatible + incompatible;
  const summary =
    total === 0
      ? 'No node was selected.'
      : `${total} node${total === 1 ? '' : 's'}: ${compatible} compatible, ${incompatible} incompatible.`;
  return `${table}${style(['bold', compatible > 0 ? 'green' : 'red'], summary)}\n`;
}

interface ValidateClusterFlags extends SpecSourceFlags, KubeFlags {
  selector?: string;
  tags?: string[];
  nfdNamespace?: string;
}

export function compatValidateClusterCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('validate-cluster')
    .description(
      'Validate every node of a cluster (its NodeFeature objects) against an image compatibility spec',
    )
    .option(
      '--image <ref>',
      'validate against the compatibility spec attached to this image (the newest one)',
    )
    .option('--spec <file>', 'validate against this spec file instead (YAML or JSON; - reads stdin)')
    .option('--artifact <digest>', 'with --image: this spec artifact instead of the newest')
    .option(
      '-l, --selector <labels>',
      'only the nodes with these labels (a label selector, e.g. node-role/worker=,zone in (a,b))',
    )
    .option(
      '--tags <tags>',
      'evaluate only the compatibility sets with one of these tags (repeatable, comma-separated)',
      collectList,
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml'] as const)
        .default('table' as const),
    )
    .option('--explain', 'add what each node has for each expression to JSON/YAML output');
  for (const option of [
    ...specSourceOptions(),
    ...kubeOptions().filter((option) => option.long !== '--request-timeout'),
    nfdNamespaceOption(),
    ...registryOptions(),
  ])
    command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Lists the (selected) nodes and every NodeFeature object (all namespaces unless --namespace; one
paged list), merges each node's objects as nfd-master does, and evaluates the spec on each node: a
matrix of nodes × compatibility sets, each node's best fully matching set (by weight), and for each
incompatible node the first failing expression and what the node has there.

JSON: {"nodes":[{"name","compatible","bestSet":{"index","tag","weight","description"} or null,
"sets":[the validate-node report of each set]}],"summary":{"compatible":N,"incompatible":M}}.
bestSet.index counts in "sets" (the spec's sets after --tags). A node without a NodeFeature object
(NFD does not run there) is incompatible, with "sets": [] and a "reason" field saying so.
Exit status: 0 when at least one node is compatible, 1 when none is, 2 on an error.

Examples:
  ${name} compat validate-cluster --image registry.example/app:1.0
  ${name} compat validate-cluster --spec spec.yaml --selector node-role.kubernetes.io/worker= -o json
  ${name} compat validate-cluster --spec spec.yaml --tags preferred --context prod`,
    )
    .action(async (options) => {
      const flags = options as ValidateClusterFlags;
      const text = await readSpecText(ctx, flags);
      const document = specForEvaluation(ctx, text);
      const tags = options.tags ?? [];
      const sets = selectedSets(document, tags);
      if (sets.length === 0 && tags.length > 0) {
        ctx.logger().warn(`no compatibility set has one of the tags ${tags.join(', ')}`);
      }
      const compiled = compileCompatibilitySpec(document);
      // Of each object only what the spec reads is kept, as JSON text, page by page as they
      // arrive: a cluster's NodeFeatures are never all in memory, and nodes equal on those features
      // (pools of identical machines) are evaluated once. Equal texts are interned (one string per
      // distinct set, whose hash V8 then keeps), so each node is looked up in constant time.
      const interned = new Map<string, string>();
      const keep = (object: NodeFeature): KeptNodeFeature => {
        const text = JSON.stringify(pickFeatures(object.spec.features, compiled.features));
        let features = interned.get(text);
        if (features === undefined) {
          features = text;
          interned.set(text, text);
        }
        return {
          name: object.metadata?.name ?? '',
          namespace: object.metadata?.namespace ?? '',
          node: nodeNameOf(object),
          features,
        };
      };
      const client = await connectWithFlags(ctx, flags);
      const namespace = flags.namespace === undefined ? {} : { namespace: flags.namespace };
      const listStart = performance.now();
      let nodes: Awaited<ReturnType<typeof client.listNodes>>;
      let objects: KeptNodeFeature[];
      if (flags.selector === undefined) {
        [nodes, objects] = await Promise.all([
          client.listNodes(),
          client.listNodeFeatures({ ...namespace, features: compiled.features, map: keep }),
        ]);
      } else {
        nodes = await client.listNodes({ labelSelector: flags.selector });
        objects =
          nodes.length === 0
            ? []
            : nodes.length <= SELECTIVE_LIST_MAX &&
                nodes.every((node) => /^[A-Za-z0-9._-]{1,63}$/.test(node.name))
              ? await client.listNodeFeatures({
                  ...namespace,
                  labelSelector: `${NODE_NAME_LABEL} in (${nodes.map((node) => node.name).join(',')})`,
                  features: compiled.features,
                  map: keep,
                })
              : await client.listNodeFeatures({ ...namespace, features: compiled.features, map: keep });
      }
      const groups = groupByNode(objects, (kept) => kept.node);
      const logger = ctx.logger();
      logger.debug(
        `listed ${nodes.length} nodes and ${objects.length} NodeFeature objects in ${elapsed(listStart)}`,
      );
      if (nodes.length === 0) {
        logger.warn(
          flags.selector === undefined
            ? 'the cluster has no node'
            : `no node matches the selector ${flags.selector}`,
        );
      }
      // Three steps, so that evaluation grows with the distinct feature sets, not the nodes: each
      // node's key (its kept features' text, one string per distinct set), then one evaluation per
      // distinct key, then the matrix's rows.
      const groupStart = performance.now();
      const nfdNamespace = flags.nfdNamespace ?? DEFAULT_NFD_NAMESPACE;
      const keys = nodes.map((node): string | undefined => {
        const group = groups.get(node.name);
        if (group === undefined) return undefined;
        // Equal text, equal features: the key never joins nodes that differ.
        return group.length === 1
          ? (group[0] as KeptNodeFeature).features
          : JSON.stringify(mergeAsMaster(group.map(asNodeFeature), nfdNamespace).spec.features);
      });
      const distinct = new Set<string>();
      for (const key of keys) if (key !== undefined) distinct.add(key);
      logger.debug(
        `grouped ${nodes.length} nodes into ${distinct.size} distinct feature sets in ${elapsed(groupStart)}`,
      );
      const evaluateStart = performance.now();
      /** Per distinct feature text: the node entry without its name (nodes share its reports). */
      const outcomes = new Map<string, Omit<ClusterNode, 'name'>>();
      for (const key of distinct) {
        let entry: ClusterNode;
        try {
          const features = JSON.parse(key) as NodeFeature['spec']['features'];
          entry = judgeNode('', sets, compiled.evaluate(indexFeatures(features), { tags, explain: true }));
        } catch (cause) {
          entry = unjudgedNode(
            '',
            `evaluation error: ${cause instanceof Error ? cause.message : String(cause)}`,
          );
        }
        const { name: _name, ...rest } = entry;
        outcomes.set(key, rest);
      }
      logger.debug(
        `evaluated ${outcomes.size} distinct feature sets (of ${compiled.features.join(', ')}) for ${nodes.length} nodes in ${elapsed(evaluateStart)}`,
      );
      const judged = nodes.map((node, i): ClusterNode => {
        const key = keys[i];
        const outcome = key === undefined ? undefined : outcomes.get(key);
        if (outcome === undefined)
          return unjudgedNode(node.name, 'no NodeFeature object (is nfd-worker running on the node?)');
        // Built field by field: one object shape for every node.
        const entry: ClusterNode = {
          name: node.name,
          compatible: outcome.compatible,
          bestSet: outcome.bestSet,
          sets: outcome.sets,
        };
        if (outcome.reason !== undefined) entry.reason = outcome.reason;
        return entry;
      });
      const report = clusterReport(judged);
      const color = options.output === 'table' && colorEnabled(ctx.host.stdout, ctx.host.env);
      ctx.host.stdout.write(
        renderClusterReport(report, options.output, { sets, color, explain: options.explain === true }),
      );
      ctx.exitCode = report.summary.compatible > 0 ? 0 : 1;
    });
}

function elapsed(start: number): string {
  return `${(performance.now() - start).toFixed(1)} ms`;
}

/** What validate-cluster keeps of a listed NodeFeature: its identity and the features the spec reads. */
interface KeptNodeFeature {
  name: string;
  namespace: string;
  node: string | undefined;
  /** JSON of the picked features. */
  features: string;
}

/** A kept object as a NodeFeature again, for merging a node's several objects as nfd-master does. */
function asNodeFeature(kept: KeptNodeFeature): NodeFeature {
  return {
    apiVersion: NFD_API_VERSION,
    kind: 'NodeFeature',
    metadata: { name: kept.name, namespace: kept.namespace, labels: {} },
    spec: { features: JSON.parse(kept.features) as NodeFeature['spec']['features'], labels: {} },
  } as NodeFeature;
}
