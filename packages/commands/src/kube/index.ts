export {
  connectKube,
  type KubeClient,
  type KubeNode,
  type KubeOptions,
  NODE_NAME_LABEL,
  toNodeFeature,
} from './client.ts';
export { type LoadedKubeConfig, loadKubeConfig } from './config.ts';
export {
  DEFAULT_NFD_NAMESPACE,
  groupByNode,
  masterOrder,
  mergeAsMaster,
  nodeFeaturesOfNode,
  nodeNameOf,
} from './node-features.ts';
export { connectWithFlags, type KubeFlags, kubeOptions, kubeOptionsOf } from './options.ts';
export { KubeApiError, type KubeStatus } from './request.ts';
