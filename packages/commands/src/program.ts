import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { NfdError } from '@nfd/spec/errors';
import { compatCommand } from './commands/compat.ts';
import { complete, completionScript, renderCompletion } from './completion.ts';
import { type CommandContext, createContext } from './context.ts';
import type { CliHost } from './host.ts';
import { createLogger } from './terminal.ts';

/** Exit statuses: 0 success or compatible, 1 a clean "no", 2 usage or runtime error. */
export const EXIT_OK = 0;
export const EXIT_NO = 1;
export const EXIT_ERROR = 2;
/** Ctrl-C, the shell convention (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;
/** SIGTERM (128 + 15). */
export const EXIT_TERMINATED = 143;

/** Help is wrapped to the terminal, or to this width when not on one (stable in files and tests). */
const HELP_WIDTH = 100;

type DefineCommand = (ctx: CommandContext) => CommandUnknownOpts;

/** A command of the tree whose module (and what only it needs) is imported when it is used. */
interface LazyCommand {
  name: string;
  load: () => Promise<DefineCommand>;
  /** A group's commands (each lazy too); the group's module defines only the group. */
  subcommands?: readonly LazyCommand[];
}

const COMPAT_COMMANDS: readonly LazyCommand[] = [
  {
    name: 'attach-spec',
    load: async () => (await import('./commands/compat-attach-spec.ts')).compatAttachSpecCommand,
  },
  {
    name: 'remove-spec',
    load: async () => (await import('./commands/compat-remove-spec.ts')).compatRemoveSpecCommand,
  },
  {
    name: 'list-specs',
    load: async () => (await import('./commands/compat-list-specs.ts')).compatListSpecsCommand,
  },
  {
    name: 'validate-spec',
    load: async () => (await import('./commands/compat-validate-spec.ts')).compatValidateSpecCommand,
  },
  {
    name: 'validate-node',
    load: async () => (await import('./commands/compat-validate-node.ts')).compatValidateNodeCommand,
  },
  {
    name: 'validate-cluster',
    load: async () => (await import('./commands/compat-validate-cluster.ts')).compatValidateClusterCommand,
  },
  {
    name: 'select-image',
    load: async () => (await import('./commands/compat-select-image.ts')).compatSelectImageCommand,
  },
  { name: 'job', load: async () => (await import('./commands/compat-job.ts')).compatJobCommand },
  {
    name: 'scheduling',
    load: async () => (await import('./commands/compat-scheduling.ts')).compatSchedulingCommand,
  },
];

// Each import() is a chunk of its own in the apps' bundles: a run loads the command it runs, and
// the libraries that command needs, and nothing else (cold start; `--version` loads none).
const TOP_COMMANDS: readonly LazyCommand[] = [
  { name: 'validate', load: async () => (await import('./commands/validate.ts')).validateCommand },
  { name: 'test', load: async () => (await import('./commands/test.ts')).testCommand },
  { name: 'dryrun', load: async () => (await import('./commands/dryrun.ts')).dryrunCommand },
  { name: 'compat', load: async () => compatCommand, subcommands: COMPAT_COMMANDS },
  { name: 'export', load: async () => (await import('./commands/export.ts')).exportCommand },
];

/** Root options that take no value and may come before the command word. */
const ROOT_FLAGS = new Set(['--debug']);

/**
 * The command `args` run when they name one unambiguously (`["dryrun"]`, `["compat",
 * "validate-node"]`), so that only its module is loaded; "none" when they run no command at all
 * (`--version`, or an unknown word, which only needs the names); undefined when they need the
 * whole tree (help, completion, a group without its subcommand).
 */
export function invokedCommand(args: readonly string[]): string[] | 'none' | undefined {
  let i = 0;
  while (i < args.length && ROOT_FLAGS.has(args[i] ?? '')) i++;
  const words = args.slice(i);
  if (words.includes('-h') || words.includes('--help')) return undefined;
  const [first, second] = words;
  if (first === undefined) return undefined;
  if (first === '--version') return 'none';
  const top = TOP_COMMANDS.find((command) => command.name === first);
  if (top === undefined)
    return first === 'help' || first === 'completion' || first.startsWith('-') ? undefined : 'none';
  if (top.subcommands === undefined) return [top.name];
  return second !== undefined && top.subcommands.some((command) => command.name === second)
    ? [top.name, second]
    : undefined;
}

/**
 * Builds the one command tree both binaries run. A fresh program per run: commander keeps parse
 * state on its commands. With `only` (see invokedCommand), the commands not on that path are
 * placeholders that carry just their names; the default is the whole tree.
 */
export async function createProgram(
  host: CliHost,
  ctx: CommandContext = createContext(host, () => false),
  only?: readonly string[] | 'none',
): Promise<CommandUnknownOpts> {
  const wanted = (path: readonly string[]): boolean =>
    only === undefined || (only !== 'none' && path.every((name, i) => only[i] === name));
  const build = async (entry: LazyCommand, path: readonly string[]): Promise<CommandUnknownOpts> => {
    if (!wanted(path)) return new Command(entry.name);
    const command = (await entry.load())(ctx);
    const children = await Promise.all(
      (entry.subcommands ?? []).map((child) => build(child, [...path, child.name])),
    );
    for (const child of children) command.addCommand(child);
    return command;
  };
  const program: CommandUnknownOpts = new Command(host.displayName)
    .description(
      host.kube
        ? 'Check NodeFeatureRules and image compatibility specs against the nodes of a cluster.'
        : 'Check NodeFeatureRules and image compatibility specs against nodes.',
    )
    .version(host.version, '--version', 'print the version')
    .option('--debug', 'print debug details and stack traces on stderr', false)
    .helpCommand(false);
  const tops = await Promise.all(TOP_COMMANDS.map((entry) => build(entry, [entry.name])));
  for (const command of tops) program.addCommand(command);
  program.addHelpText(
    'after',
    `
Examples:
  ${host.displayName} compat validate-spec --spec spec.yaml
  ${host.displayName} help compat validate-spec`,
  );
  program.addCommand(helpCommand(program));
  program.addCommand(completionCommand(host));
  for (const command of walk(program)) configureCommand(command, host);
  return program;
}

/** `completion bash|zsh|fish`: the script that makes the shell complete this program's words. */
function completionCommand(host: CliHost): CommandUnknownOpts {
  const bin = host.displayName === 'nfd' ? 'nfd' : 'kubectl-nfd';
  return new Command('completion')
    .description('print the shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      host.kube
        ? `
kubectl (1.26+) completes plugins through an executable kubectl_complete-nfd on PATH; this package
ships one next to kubectl-nfd. For the kubectl-nfd command itself:
  eval "$(kubectl-nfd completion bash)"`
        : `
Examples:
  eval "$(nfd completion bash)"        # in ~/.bashrc
  nfd completion fish | source`,
    )
    .action((shell) => {
      if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish') {
        throw new NfdError('USAGE', `unsupported shell "${shell}"`, { hint: 'shells: bash, zsh, fish' });
      }
      host.stdout.write(completionScript(shell, bin));
    });
}

/** `help [command...]`: help for any command of the tree, nested ones included. */
function helpCommand(program: CommandUnknownOpts): CommandUnknownOpts {
  return new Command('help')
    .description('show help for a command')
    .argument('[command...]', 'the command, e.g. "compat validate-spec"')
    .action((names) => {
      let target: CommandUnknownOpts = program;
      for (const name of names) {
        const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (next === undefined) {
          const known = target.commands.map((c) => c.name()).join(', ');
          throw new NfdError('USAGE', `unknown command "${[...commandPath(target), name].join(' ')}"`, {
            hint: `commands here: ${known}`,
          });
        }
        target = next;
      }
      target.outputHelp();
    });
}

function configureCommand(command: CommandUnknownOpts, host: CliHost): void {
  command
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => host.stdout.write(text),
      writeErr: (text) => host.stderr.write(text),
      getOutHelpWidth: () => (host.stdout.isTTY === true ? (host.stdout.columns ?? HELP_WIDTH) : HELP_WIDTH),
      getErrHelpWidth: () => (host.stderr.isTTY === true ? (host.stderr.columns ?? HELP_WIDTH) : HELP_WIDTH),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showHelpAfterError(`(run '${commandPath(command).join(' ')} --help' for usage)`)
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);
}

function* walk(command: CommandUnknownOpts): Generator<CommandUnknownOpts> {
  yield command;
  for (const child of command.commands) yield* walk(child);
}

function commandPath(command: CommandUnknownOpts): string[] {
  const names: string[] = [];
  for (let c: CommandUnknownOpts | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names;
}

/** Every command of the tree with its full name, depth first, for reference docs and tests. */
export function listCommands(program: CommandUnknownOpts): { name: string; command: CommandUnknownOpts }[] {
  return [...walk(program)].map((command) => ({ name: commandPath(command).join(' '), command }));
}

/**
 * Runs the command tree on `args` (argv without node and script) and returns the exit status.
 * This is the one place where errors become output.
 */
export async function runCli(host: CliHost, args: readonly string[]): Promise<number> {
  let debug = args.includes('--debug');
  const ctx = createContext(host, () => debug);
  const program = await createProgram(host, ctx, args[0] === '__complete' ? undefined : invokedCommand(args));
  // cobra's completion protocol, answered before commander parses anything: the words may be
  // half-typed options that must not act (`--vers` is not --version here).
  if (args[0] === '__complete') {
    const words = args.slice(1);
    host.stdout.write(renderCompletion(complete(program, words.length === 0 ? [''] : words)));
    return EXIT_OK;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
    debug = (program.opts() as { debug?: boolean }).debug === true;
    return ctx.exitCode;
  } catch (error) {
    if (host.signal?.aborted === true) {
      // What an interrupted write left behind (and how to clean it) is worth the line.
      const logger = createLogger(host, { debug });
      if (error instanceof NfdError && /^interrupted\b/.test(error.message))
        logger.error(error.message, error.hint);
      else logger.error('interrupted');
      const code = (host.signal.reason as { exitCode?: unknown } | undefined)?.exitCode;
      return code === EXIT_TERMINATED ? EXIT_TERMINATED : EXIT_INTERRUPTED;
    }
    return reportError(error, host, debug);
  }
}

function reportError(error: unknown, host: CliHost, debug: boolean): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (and our "run … --help" hint) on stderr.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
    return EXIT_ERROR;
  }
  const logger = createLogger(host, { debug });
  if (error instanceof NfdError) {
    logger.error(error.message, error.hint);
  } else {
    logger.error(error instanceof Error ? error.message : String(error));
  }
  if (error instanceof Error && error.stack !== undefined) logger.debug(error.stack);
  return EXIT_ERROR;
}
