import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import { PinyardError, type SourcePosition } from '../errors.js';
import { toPosition } from './yaml-positions.js';

/** A YAML file read with source positions, and every problem of its text (not yet of its meaning). */
export interface YamlDocument {
  doc: Document;
  lineCounter: LineCounter;
  /** Syntax errors, duplicate keys, aliases without an anchor, alias bombs: each at its place, in file order. */
  problems: PinyardError[];
}

/**
 * How many values a file may hold once its aliases are expanded. A real images.yml with an anchor merged
 * into every image stays far below; a "billion laughs" alias bomb (each alias repeating the one before)
 * does not. The data itself shares aliased values, so the limit protects whatever walks it later.
 */
export const EXPANDED_NODES_LIMIT = 1_000_000;

type Code = 'PINYARD_MANIFEST_SYNTAX' | 'PINYARD_LOCK_INVALID';

/**
 * Parses YAML for a pinyard file: one document, merge keys (`<<: *defaults`) on, unique keys checked in
 * linear time (the `yaml` package's own check compares every pair of keys of a map: minutes on a big tree).
 */
export function readYamlDocument(text: string, file: string, code: Code): YamlDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, merge: true });
  const at = (offset: number): SourcePosition => toPosition(lineCounter, file, offset);
  const problem = (message: string, offset: number, hint?: string) =>
    new PinyardError(code, message, { position: at(offset), ...(hint ? { hint } : {}) });
  const problems = doc.errors.map((e) => {
    const { message, offset, hint } = syntaxProblem(text, e.code, e.message, e.pos[0]);
    return problem(message, offset, hint);
  });
  if (problems.length === 0) problems.push(...structureProblems(doc, problem));
  return { doc, lineCounter, problems: inFileOrder(problems) };
}

/** The document as plain data; call only when it has no problems (aliases are shared, never copied). */
export function yamlData(doc: Document): unknown {
  return doc.toJS({ maxAliasCount: -1 });
}

export function inFileOrder(problems: PinyardError[]): PinyardError[] {
  const key = (p: PinyardError) =>
    [p.position?.file ?? '', p.position?.line ?? 0, p.position?.column ?? 0] as const;
  return [...problems].sort((a, b) => {
    const [fa, la, ca] = key(a);
    const [fb, lb, cb] = key(b);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb;
  });
}

function syntaxProblem(
  text: string,
  code: string,
  message: string,
  offset: number,
): { message: string; offset: number; hint?: string } {
  if (code === 'MULTIPLE_DOCS') {
    return {
      message: 'a second YAML document starts here (---): the file must hold one',
      offset,
      hint: 'remove the --- line and merge what follows into the first document',
    };
  }
  const unclosed = /^Flow (sequence|map)/.exec(message);
  if (unclosed) {
    // `yaml` notices the missing bracket where the next line starts; the user's slip is the opening one.
    const [open, close] = unclosed[1] === 'sequence' ? ['[', ']'] : ['{', '}'];
    return {
      message: `this ${open} is never closed with ${close}`,
      offset: openingBracket(text, offset, open, close) ?? offset,
      hint: `close the ${unclosed[1] === 'sequence' ? 'list' : 'map'} with ${close} on the same line, or write it as an indented block`,
    };
  }
  const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
  if (quote) {
    // Noticed at the end of the file or the next key; the slip is the quote that opened the text.
    const opened = text.lastIndexOf(quote, Math.max(0, offset - 1));
    return {
      message: `this quoted text is never closed with ${quote}`,
      offset: opened === -1 ? offset : opened,
      hint: `end it with ${quote} on the same line`,
    };
  }
  const token = /^Unexpected .* token in YAML stream: "(.*)"$/.exec(message)?.[1];
  switch (code) {
    case 'TAB_AS_INDENT':
      return {
        message: 'a tab indents this line: YAML indents with spaces',
        offset,
        hint: 'replace the tab with spaces',
      };
    case 'BAD_SCALAR_START':
      return {
        message: `YAML syntax: a plain value cannot start with ${message.slice(-1)}`,
        offset,
        hint: 'write the value in quotes',
      };
    case 'MULTILINE_IMPLICIT_KEY':
      return {
        message: 'YAML syntax: a key must fit on one line',
        offset,
        hint: 'is a ":" missing after the key, or the indentation off?',
      };
    case 'BAD_INDENT':
      return {
        message: 'YAML syntax: this line is not indented like the entries it belongs with',
        offset,
        hint: 'line up the keys of one map (and the items of one list) in the same column',
      };
    case 'UNEXPECTED_TOKEN':
      if (token !== undefined) {
        return {
          message: `YAML syntax: unexpected ${token} here`,
          offset,
          hint: 'remove it, or check the brackets and indentation before it',
        };
      }
  }
  if (/^Nested mappings are not allowed in compact mappings/.test(message)) {
    return {
      message: 'YAML syntax: a value cannot be a "key: value" on the same line',
      offset,
      hint: 'put a nested map on its own indented lines, or quote the value if ": " belongs to it',
    };
  }
  return { message: `YAML syntax: ${message.split('\n')[0]}`, offset };
}

/** The unmatched `open` before `offset`, line by line backwards, outside quotes and comments. */
function openingBracket(text: string, offset: number, open: string, close: string): number | undefined {
  let depth = 0;
  let end = Math.min(offset, text.length);
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const code = codeColumns(text.slice(start, end));
    for (let k = code.length - 1; k >= 0; k--) {
      const ch = text[start + code[k]!];
      if (ch === close) depth++;
      else if (ch === open) {
        if (depth === 0) return start + code[k]!;
        depth--;
      }
    }
    end = start - 1;
  }
  return undefined;
}

/** Columns of a line that are YAML structure: outside quotes, before a comment. */
function codeColumns(line: string): number[] {
  const columns: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
    else columns.push(i);
  }
  return columns;
}

/** Duplicate keys, aliases with no anchor before them, and aliases that expand beyond reason. */
function structureProblems(
  doc: Document,
  problem: (message: string, offset: number, hint?: string) => PinyardError,
): PinyardError[] {
  const problems: PinyardError[] = [];
  const anchors = new Map<string, Node>();
  const aliases: Array<{ node: Node & { source: string }; target: Node }> = [];
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) aliases.push({ node, target });
        else {
          problems.push(
            problem(
              `alias *${node.source} has no anchor &${node.source} before it`,
              node.range?.[0] ?? 0,
              `define &${node.source} on a value above this line, or write the value here`,
            ),
          );
        }
        return;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          if (seen.has(key)) {
            problems.push(
              problem(
                `duplicate key "${key}": a key may appear only once in a map`,
                pair.key.range?.[0] ?? 0,
                'remove one of them or merge their values',
              ),
            );
          }
          seen.add(key);
        }
      }
    },
  });
  if (problems.length === 0) {
    const bomb = aliasBomb(doc, aliases);
    if (bomb) {
      const { message, hint } = aliasBombProblem(bomb.node.source, bomb.size);
      problems.push(problem(message, bomb.node.range?.[0] ?? 0, hint));
    }
  }
  return problems;
}

export function aliasBombProblem(anchor: string, size: number): { message: string; hint: string } {
  return {
    message: `alias *${anchor} expands to ${size.toLocaleString('en')} values: more than any pinyard file needs (an alias bomb?)`,
    hint: 'write the values out, or alias only small parts of the file',
  };
}

/** The alias that makes the document's expanded size exceed the limit, if one does. */
function aliasBomb(
  doc: Document,
  aliases: Array<{ node: Node & { source: string }; target: Node }>,
): { node: Node & { source: string }; size: number } | undefined {
  if (aliases.length === 0) return undefined;
  const targetOf = new Map(aliases.map((a) => [a.node, a.target]));
  const sizes = new Map<unknown, number>();
  const sizeOf = (node: unknown): number => {
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 1); // a cycle counts once instead of looping
    let size = 1;
    if (isAlias(node)) size = sizeOf(targetOf.get(node as Node & { source: string }));
    else if (isCollection(node)) {
      for (const item of node.items) {
        size += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
        if (size > Number.MAX_SAFE_INTEGER / 2) break;
      }
    }
    sizes.set(node, size);
    return size;
  };
  if (sizeOf(doc.contents) <= EXPANDED_NODES_LIMIT) return undefined;
  let worst: { node: Node & { source: string }; size: number } | undefined;
  for (const { node } of aliases) {
    const size = sizeOf(node);
    if (!worst || size > worst.size) worst = { node, size };
  }
  return worst;
}
