import type { CoreScalar, FastNode } from './go-yaml-fast.ts';
import type { SourceLocation } from './issue.ts';
import { type DocumentSource, type FieldPath, positionInScalar } from './yaml-source.ts';

type CoreNode = FastNode<CoreScalar>;

/** The JavaScript value the YAML library's `toJS()` gives for the same document. */
export function coreData(node: CoreNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(coreData);
    case 'map': {
      const object: Record<string, unknown> = {};
      for (const [key, entry] of node.entries) object[key] = coreData(entry.value);
      return object;
    }
  }
}

interface Resolved {
  /** Where the node at the path is, or the deepest part of it that exists. */
  at: SourceLocation;
  /** Where the key of the last mapping entry walked is, when the whole path was found. */
  keyAt: SourceLocation | undefined;
  /** The scalar at the path, when the whole path was found and ends at one. */
  scalar: CoreScalar | undefined;
}

/** Walks `path` as yaml-source's resolve does over the YAML library's document. */
function resolve(root: CoreNode, path: FieldPath): Resolved {
  let current = root;
  let keyAt: SourceLocation | undefined;
  for (const segment of path) {
    keyAt = undefined;
    let next: CoreNode | undefined;
    if (current.kind === 'map') {
      const entry = current.entries.get(String(segment));
      if (entry === undefined) return { at: current.at, keyAt: undefined, scalar: undefined };
      keyAt = entry.keyAt;
      next = entry.value;
    } else if (current.kind === 'seq' && typeof segment === 'number') {
      next = current.items[segment];
    } else {
      return { at: current.at, keyAt: undefined, scalar: undefined };
    }
    // An index past the end: the list itself, as found.
    if (next === undefined) return { at: current.at, keyAt, scalar: undefined };
    current = next;
  }
  return { at: current.at, keyAt, scalar: current.kind === 'scalar' ? current : undefined };
}

/** A DocumentSource over the fast reader's tree of one document. */
export function coreSource(root: CoreNode): DocumentSource {
  return {
    locate(path, at = 'value') {
      const resolved = resolve(root, path);
      return at === 'key' && resolved.keyAt !== undefined ? resolved.keyAt : resolved.at;
    },
    scalarSource: (path) => resolve(root, path).scalar?.source,
    locateIn(path, line, column) {
      const { scalar, at } = resolve(root, path);
      if (scalar === undefined) return at;
      const quoted = scalar.source.startsWith('"') || scalar.source.startsWith("'");
      return positionInScalar(scalar.at, quoted, line, column);
    },
  };
}
