/**
 * Which texts of a value get embedded: LangGraph's field-path syntax (`$` for the whole value,
 * `a.b`, `list[*].text`, `list[0]`, `list[-1]`, `{title,body}`, `*`), with the same results as
 * InMemoryStore so both stores index the same texts for the same item.
 */

/** Splits a field path into tokens: names, `[...]` index parts and `{...}` multi-field parts. */
export function tokenizeFieldPath(path: string): string[] {
  const tokens: string[] = [];
  let current = "";
  for (let i = 0; i < path.length; i += 1) {
    const char = path[i]!;
    if (char === "[" || char === "{") {
      if (current) tokens.push(current);
      const close = char === "[" ? "]" : "}";
      let depth = 1;
      let group = char;
      while (++i < path.length && depth > 0) {
        const inner = path[i]!;
        if (inner === char) depth += 1;
        else if (inner === close) depth -= 1;
        group += inner;
      }
      i -= 1;
      tokens.push(group);
      current = "";
    } else if (char === ".") {
      if (current) tokens.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

function leafTexts(value: unknown): string[] {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return [String(value)];
  if (value !== null && typeof value === "object") return [JSON.stringify(value, null, 2)];
  return [];
}

function walk(value: unknown, tokens: readonly string[], at: number): string[] {
  if (at >= tokens.length) return leafTexts(value);
  const token = tokens[at]!;
  if (token.startsWith("[") && token.endsWith("]")) {
    if (!Array.isArray(value)) return [];
    const index = token.slice(1, -1);
    if (index === "*") return value.flatMap((entry) => walk(entry, tokens, at + 1));
    let position = Number.parseInt(index, 10);
    if (Number.isNaN(position)) return [];
    if (position < 0) position += value.length;
    return position >= 0 && position < value.length ? walk(value[position], tokens, at + 1) : [];
  }
  if (token.startsWith("{") && token.endsWith("}")) {
    if (value === null || typeof value !== "object") return [];
    return token
      .slice(1, -1)
      .split(",")
      .flatMap((field) => {
        let current: unknown = value;
        for (const part of tokenizeFieldPath(field.trim())) {
          if (current === null || typeof current !== "object" || !(part in current)) return [];
          current = (current as Record<string, unknown>)[part];
        }
        return leafTexts(current);
      });
  }
  if (token === "*") {
    const children = Array.isArray(value) ? value : value !== null && typeof value === "object" ? Object.values(value) : [];
    return children.flatMap((child) => walk(child, tokens, at + 1));
  }
  if (value !== null && typeof value === "object" && token in value) {
    return walk((value as Record<string, unknown>)[token], tokens, at + 1);
  }
  return [];
}

/** The texts found at a field path of a value (`$` = the whole value as pretty JSON). */
export function textsAtPath(value: Record<string, unknown>, path: string): string[] {
  if (path === "" || path === "$") return [JSON.stringify(value, null, 2)];
  return walk(value, tokenizeFieldPath(path), 0);
}

/** All texts to embed for a value, over the given field paths, in order. */
export function textsToEmbed(value: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.flatMap((field) => textsAtPath(value, field));
}
