// The single executable's entry (a CommonJS bundle of everything, see tsdown.sea.config.ts): one
// binary for both apps, chosen by the name it is run as (argv[0]), as busybox does: `nfd`, or
// `kubectl-nfd` (krew installs it so), or kubectl's completion helper `kubectl_complete-nfd`.
// No launcher: the binary carries its own Node.
import { runProcess } from '@nfd/commands';
import pkg from '../package.json' with { type: 'json' };

const invoked = process.argv0.slice(process.argv0.lastIndexOf('/') + 1);
const kube = invoked.startsWith('kubectl-nfd') || invoked.startsWith('kubectl_complete-nfd');
// kubectl runs the completion helper with the words typed; it answers cobra's __complete protocol.
if (invoked.startsWith('kubectl_complete-nfd')) process.argv.splice(2, 0, '__complete');

runProcess({ displayName: kube ? 'kubectl nfd' : 'nfd', version: pkg.version, kube }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
