/** The Kubernetes version scripts/kube-peers.sh builds (keep the two in step). */
export const KUBE_VERSION = 'v1.34.4';
