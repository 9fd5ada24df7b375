/**
 * A reader for the key structure of a block-style YAML file such as openapi.yaml: which keys exist
 * at which path, and the scalar items of block lists. It is not a YAML parser: flow collections
 * ({ } and [ ]) are kept as text, block scalars (| and >) are skipped, and anchors, tags and
 * multi-document files are not supported. Enough for a test that checks the document against the
 * code without adding a YAML package.
 */
export interface YamlOutline {
  /** Every key path, joined with "/", e.g. "paths//logs/get". */
  keys: Set<string>;
  /** The scalar text after each key path that has one on its line. */
  values: Map<string, string>;
  /** The scalar items of block lists, by the path of the list's key. */
  lists: Map<string, string[]>;
}

function unquote(text: string): string {
  const trimmed = text.trim();
  if (/^".*"$/.test(trimmed)) return JSON.parse(trimmed) as string;
  if (/^'.*'$/.test(trimmed)) return trimmed.slice(1, -1).replaceAll("''", "'");
  return trimmed;
}

/** Builds the outline; throws naming the line when a line is neither a key, a list item nor blank. */
export function readYamlOutline(text: string): YamlOutline {
  const outline: YamlOutline = { keys: new Set(), values: new Map(), lists: new Map() };
  const stack: { indent: number; key: string }[] = [];
  let blockScalarIndent: number | null = null;

  for (const [index, line] of text.split("\n").entries()) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const indent = line.length - line.trimStart().length;
    if (blockScalarIndent !== null) {
      if (indent > blockScalarIndent) continue;
      blockScalarIndent = null;
    }

    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent && !line.trimStart().startsWith("- ")) stack.pop();
    const parentPath = stack.map((entry) => entry.key).join("/");

    const item = /^\s*- (.*)$/.exec(line);
    if (item) {
      while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
      const listPath = stack.map((entry) => entry.key).join("/");
      const list = outline.lists.get(listPath) ?? [];
      list.push(unquote(item[1]!));
      outline.lists.set(listPath, list);
      continue;
    }

    const pair = /^\s*("[^"]*"|'[^']*'|[^\s#][^:]*?):(?:\s+(.*))?$/.exec(line);
    if (!pair) throw new Error(`line ${index + 1} is not a key or list item: ${line.trim()}`);
    const key = unquote(pair[1]!);
    const path = parentPath ? `${parentPath}/${key}` : key;
    outline.keys.add(path);
    const value = pair[2]?.trim();
    if (value === "|" || value === ">" || value === "|-" || value === ">-") blockScalarIndent = indent;
    else if (value) outline.values.set(path, unquote(value));
    stack.push({ indent, key });
  }
  return outline;
}
