import { launchApp } from '@nfd/commands/launcher';
import pkg from '../package.json' with { type: 'json' };

// kubectl runs this as `kubectl nfd …`; usage lines and examples say so.
await launchApp(
  import.meta.url,
  { displayName: 'kubectl nfd', version: pkg.version, kube: true },
  () => import('@nfd/commands'),
);
