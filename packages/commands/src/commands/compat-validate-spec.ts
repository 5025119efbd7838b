import { Command, Option } from '@commander-js/extra-typings';
import { checkCompatibilitySpecRules, specRequirementIssues } from '@nfd/matcher';
import { renderSpecValidation, type SpecSummary, type SpecValidationResult } from '@nfd/report';
import { formatIssue, loadCompatibilitySpec, type SpecIssue } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { registryOptions } from '../registry-options.ts';
import { readSpecText, type SpecSourceFlags, specSourceOptions } from '../spec-source.ts';
import { colorEnabled } from '../terminal.ts';

const FORMATS = ['text', 'json', 'yaml'] as const;

export function compatValidateSpecCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('validate-spec')
    .description('Check an image compatibility spec (a file, or the artifact attached to an image)')
    .option('--spec <file>', 'the spec to check (YAML or JSON; - reads stdin)')
    .option(
      '--image <ref>',
      'check the spec attached to this image (the artifact manifest, media types, layers, and the spec)',
    )
    .option('--artifact <digest>', 'with --image: this spec artifact instead of the newest')
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS).default('text' as const))
    .option('--strict', 'count warnings as errors', false);
  for (const option of [...specSourceOptions(), ...registryOptions()]) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Every problem is reported at once, each as file:line:column, the field path and what was expected:
the schema, the supported version, rule names, every match expression (operator, value count,
regular expressions, integers and versions) and templates. Warnings (on stderr) name requirements
that no NFD host can meet, such as an unknown feature or attribute, a kernel module written with
dashes (/proc/modules lists vfio_pci, never vfio-pci) or a 6-digit PCI class; --strict makes them
errors.
Exit status: 0 valid, 1 invalid, 2 usage error or unreadable file.

Examples:
  ${name} compat validate-spec --spec spec.yaml
  ${name} compat validate-spec --spec spec.yaml -o json
  cat spec.yaml | ${name} compat validate-spec --spec -
  ${name} compat validate-spec --image registry.example/app:1.0`,
    )
    .action(async (options) => {
      const { source, file } = await readSpecText(ctx, options as SpecSourceFlags);
      const result = validateSpecSource(source, file, options.strict);
      const color = options.output === 'text' && colorEnabled(ctx.host.stdout, ctx.host.env);
      // Warnings are diagnostics: on stderr (and in the JSON/YAML document), never in the text result.
      const warnings = result.issues.filter((issue) => issue.severity === 'warning');
      for (const warning of warnings) ctx.host.stderr.write(`${formatIssue(warning)}\n`);
      const shown =
        options.output === 'text'
          ? { ...result, issues: result.issues.filter((i) => i.severity === 'error') }
          : result;
      ctx.host.stdout.write(renderSpecValidation(shown, options.output, { color }));
      ctx.exitCode = result.valid ? 0 : 1;
    });
}

/** Loads and checks one spec; with `strict`, warnings make it invalid too. */
export function validateSpecSource(source: string, file: string, strict: boolean): SpecValidationResult {
  const loaded = loadCompatibilitySpec(source, { file, check: true });
  let issues: SpecIssue[];
  let summary: SpecSummary | null = null;
  if (loaded.ok) {
    issues = [
      ...loaded.warnings,
      ...loaded.documents.flatMap((doc) => [
        ...checkCompatibilitySpecRules(doc, file),
        ...specRequirementIssues(doc, file),
      ]),
    ];
    const first = loaded.documents[0];
    summary = {
      version: first === undefined ? '' : first.value.version,
      documents: loaded.documents.length,
      compatibilities: sum(loaded.documents.map((doc) => doc.value.compatibilities.length)),
      rules: sum(loaded.documents.flatMap((doc) => doc.value.compatibilities.map((set) => set.rules.length))),
    };
  } else {
    issues = [...loaded.issues];
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  const valid = !issues.some((issue) => issue.severity === 'error' || strict);
  return { file, valid, issues, summary: valid ? summary : null, source };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
