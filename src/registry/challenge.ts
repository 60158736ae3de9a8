/**
 * WWW-Authenticate parsing (RFC 7235 §4.1). A header may hold several challenges, and a registry's scope
 * parameter holds commas inside quotes (`scope="repository:a:pull,push"`), so splitting on commas is wrong:
 * this is a small scanner. Several WWW-Authenticate headers joined by fetch with ", " parse the same way.
 */

export interface Challenge {
  /** Lower-cased: 'bearer', 'basic'. */
  scheme: string;
  /** Parameter names lower-cased, values unquoted: realm, service, scope, error. */
  params: Record<string, string>;
}

const tchar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let current: Challenge | undefined;
  let i = 0;

  const skip = (chars: RegExp) => {
    while (i < header.length && chars.test(header[i]!)) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < header.length && tchar.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  const readQuoted = () => {
    let value = '';
    i++; // opening quote
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < header.length) i++;
      value += header[i];
      i++;
    }
    i++; // closing quote
    return value;
  };
  // Lenient: some servers send unquoted URLs as values, which are not RFC tokens.
  const readBare = () => {
    const start = i;
    while (i < header.length && header[i] !== ',' && !/\s/.test(header[i]!)) i++;
    return header.slice(start, i);
  };

  while (i < header.length) {
    skip(/[\s,]/);
    const name = readToken();
    if (!name) {
      i++;
      continue;
    }
    skip(/[ \t]/);
    if (header[i] === '=') {
      i++;
      skip(/[ \t]/);
      const value = header[i] === '"' ? readQuoted() : readBare();
      if (current) current.params[name.toLowerCase()] = value;
    } else {
      current = { scheme: name.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}

/** The challenge pinyard answers: Bearer when offered (it scopes access), else Basic, else none it knows. */
export function preferredChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}
