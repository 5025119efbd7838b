import { launchApp } from '@nfd/commands/launcher';
import pkg from '../package.json' with { type: 'json' };

await launchApp(
  import.meta.url,
  { displayName: 'nfd', version: pkg.version, kube: false },
  () => import('@nfd/commands'),
);
