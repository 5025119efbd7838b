import type { CliHost } from './host.ts';
import { createProgram, listCommands } from './program.ts';

/**
 * The command reference of the README: every command's help, as the binary prints it. A test
 * keeps the README in step with the tree (`pnpm docs` rewrites it).
 */
export async function renderCommandReference(host: Omit<CliHost, 'stdout'>): Promise<string> {
  let help = '';
  const program = await createProgram({ ...host, stdout: { write: (text: string) => (help += text) } });
  const sections = listCommands(program)
    .filter(({ command }) => command.name() !== 'help')
    .map(({ name, command }) => {
      help = '';
      command.outputHelp();
      return `### \`${name}\`\n\n\`\`\`text\n${help.trimEnd()}\n\`\`\``;
    });
  return `${sections.join('\n\n')}\n`;
}
