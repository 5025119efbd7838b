/** Every failure a user can see has one of these codes; `commands` maps them to messages and exit codes. */
export type NfdErrorCode =
  | 'USAGE'
  | 'SPEC_INVALID'
  | 'FILE_UNREADABLE'
  | 'OCI_UNAUTHORIZED'
  | 'OCI_NOT_FOUND'
  | 'OCI_PROTOCOL'
  | 'SOURCE_UNREADABLE'
  | 'KUBECONFIG_INVALID'
  | 'KUBE_API'
  | 'EVALUATION';

/** The one error class of nfd-ts: a closed `code`, a message, and an optional hint saying what to do next. */
export class NfdError extends Error {
  override name = 'NfdError';
  readonly code: NfdErrorCode;
  readonly hint: string | undefined;

  constructor(code: NfdErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}
