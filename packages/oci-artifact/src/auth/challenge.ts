/** One challenge from a `WWW-Authenticate` header: the scheme in lower case and its parameters (names lower-cased). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

/**
 * Parses every challenge from one or more `WWW-Authenticate` values, e.g.
 * `Bearer realm="https://auth/token",service="reg",scope="repository:a/b:pull,push"`.
 * Quoted values may contain commas and backslash escapes; several challenges may share one header.
 */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  for (const value of values) parseOne(value, challenges);
  return challenges;
}

function parseOne(text: string, out: AuthChallenge[]): void {
  let i = 0;
  const n = text.length;
  const skipSpaces = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(text[i] ?? '')) i++;
    return text.slice(start, i);
  };
  const readBare = (): string => {
    const start = i;
    while (i < n && text[i] !== ',' && text[i] !== ' ' && text[i] !== '\t') i++;
    return text.slice(start, i);
  };
  const readQuoted = (): string => {
    // at the opening quote
    i++;
    let value = '';
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < n) i++;
      value += text[i];
      i++;
    }
    i++; // closing quote (or end)
    return value;
  };

  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
    if (i >= n) break;
    const scheme = readToken();
    if (scheme === '') {
      i++; // skip a stray character rather than loop forever
      continue;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    skipSpaces();
    // token68 form (`Basic abc==`): keep it under the empty name and move on.
    const token68 = /^[A-Za-z0-9\-._~+/]+=*(?=\s*(,|$))/.exec(text.slice(i));
    if (token68 !== null && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=[^=]/.test(text.slice(i))) {
      challenge.params[''] = token68[0];
      i += token68[0].length;
      continue;
    }
    for (;;) {
      skipSpaces();
      const save = i;
      const name = readToken();
      skipSpaces();
      if (name === '' || text[i] !== '=') {
        i = save; // the next challenge's scheme
        break;
      }
      i++; // '='
      skipSpaces();
      // Unquoted values are read leniently up to the next comma or space (realm=https://… is seen in the wild).
      const value = text[i] === '"' ? readQuoted() : readBare();
      challenge.params[name.toLowerCase()] = value;
      skipSpaces();
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
  }
}

/** A `repository:<name>:<actions>` scope string. */
export function repositoryScope(repository: string, actions: Iterable<string>): string {
  return `repository:${repository}:${[...new Set(actions)].sort().join(',')}`;
}

/**
 * Merges scope strings: the actions of equal `type:name` resources are united
 * (`repository:a:pull` + `repository:a:push` → `repository:a:pull,push`). Sorted, for use as a cache key.
 */
export function mergeScopes(scopes: Iterable<string>): string[] {
  const byResource = new Map<string, Set<string>>();
  const opaque = new Set<string>();
  for (const scope of scopes) {
    for (const single of scope.split(' ')) {
      if (single === '') continue;
      const lastColon = single.lastIndexOf(':');
      const firstColon = single.indexOf(':');
      if (firstColon < 0 || lastColon === firstColon) {
        opaque.add(single);
        continue;
      }
      const resource = single.slice(0, lastColon);
      const actions = byResource.get(resource) ?? new Set<string>();
      for (const action of single.slice(lastColon + 1).split(',')) if (action !== '') actions.add(action);
      byResource.set(resource, actions);
    }
  }
  const merged = [...opaque];
  for (const [resource, actions] of byResource) {
    merged.push(actions.has('*') ? `${resource}:*` : `${resource}:${[...actions].sort().join(',')}`);
  }
  return merged.sort();
}
