import type { CommandUnknownOpts, Option } from '@commander-js/extra-typings';

// Shell completion in cobra's `__complete` protocol, which kubectl (1.26+) speaks with plugins
// through `kubectl_complete-nfd`, and which our own bash/zsh/fish scripts call: the arguments are
// the words typed so far, the last one being the word to complete (maybe empty); the answer is one
// `value<TAB>description` line per candidate, then `:<directive>`.

/** cobra's ShellCompDirective bits. */
export const COMPLETE_DEFAULT = 0;
export const COMPLETE_NO_SPACE = 2;
export const COMPLETE_NO_FILES = 4;

export interface Completion {
  candidates: { value: string; description: string }[];
  directive: number;
}

function visibleOptions(command: CommandUnknownOpts): Option[] {
  const options: Option[] = [];
  for (let c: CommandUnknownOpts | null = command; c !== null; c = c.parent) {
    options.push(...(c.options as Option[]).filter((option) => !option.hidden));
  }
  return options;
}

function findOption(command: CommandUnknownOpts, flag: string): Option | undefined {
  return visibleOptions(command).find((option) => option.long === flag || option.short === flag);
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/** The candidates for the last of `words`, given the command tree. */
export function complete(program: CommandUnknownOpts, words: readonly string[]): Completion {
  const typed = words.slice(0, -1);
  const current = words.at(-1) ?? '';
  let command = program;
  let pendingValue: Option | undefined;
  for (const word of typed) {
    if (pendingValue !== undefined) {
      pendingValue = undefined;
      continue;
    }
    if (word.startsWith('-')) {
      const option = findOption(command, word.split('=')[0] ?? word);
      if (option !== undefined && takesValue(option) && !word.includes('=')) pendingValue = option;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub !== undefined) command = sub;
  }
  if (pendingValue !== undefined) {
    const choices = pendingValue.argChoices ?? [];
    return choices.length > 0
      ? {
          candidates: choices
            .filter((c) => c.startsWith(current))
            .map((value) => ({ value, description: '' })),
          directive: COMPLETE_NO_FILES,
        }
      : { candidates: [], directive: COMPLETE_DEFAULT };
  }
  if (current.startsWith('-')) {
    const candidates = visibleOptions(command)
      .flatMap((option) => [option.long, option.short].filter((flag): flag is string => flag !== undefined))
      .filter((flag) => flag.startsWith(current))
      .map((flag) => ({ value: flag, description: findOption(command, flag)?.description ?? '' }));
    return { candidates, directive: COMPLETE_NO_FILES };
  }
  const subcommands = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  if (subcommands.length > 0) {
    return {
      candidates: subcommands
        .filter((c) => c.name().startsWith(current))
        .map((c) => ({ value: c.name(), description: c.description() })),
      directive: COMPLETE_NO_FILES,
    };
  }
  return { candidates: [], directive: COMPLETE_DEFAULT };
}

export function renderCompletion(completion: Completion): string {
  const lines = completion.candidates.map(({ value, description }) =>
    description === '' ? value : `${value}\t${description.split('\n')[0]}`,
  );
  return `${[...lines, `:${completion.directive}`].join('\n')}\n`;
}

/** The completion script for a shell; `bin` is the command users type (`nfd`). */
export function completionScript(shell: 'bash' | 'zsh' | 'fish', bin: string): string {
  const fn = `_${bin.replace(/[^A-Za-z0-9]/g, '_')}_completion`;
  const bash = `${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out directive candidates
  out=$(${bin} __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  directive=\${out##*:}
  candidates=$(printf '%s\\n' "$out" | sed '$d' | cut -f1)
  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
  if [ \${#COMPREPLY[@]} -eq 0 ] && [ $((directive & ${COMPLETE_NO_FILES})) -eq 0 ]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F ${fn} ${bin}
`;
  switch (shell) {
    case 'bash':
      return `# bash completion for ${bin}: eval "$(${bin} completion bash)"\n${bash}`;
    case 'zsh':
      return `#compdef ${bin}\n# zsh completion for ${bin}: eval "$(${bin} completion zsh)"\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
    case 'fish':
      return `# fish completion for ${bin}: ${bin} completion fish | source
complete -c ${bin} -f -a '(${bin} __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null | string match -v -r "^:" | string replace -r "\\t.*" "")'
`;
  }
}
