/**
 * JSON text exactly as Python's `json.dumps` writes it with its defaults, because the original
 * provider answered through Django's `JsonResponse`: `", "` and `": "` as separators and every
 * character outside printable ASCII escaped as `\uXXXX` (lowercase hex, surrogate pairs for
 * characters beyond the BMP). A client that compares bodies or hashes them sees the same bytes.
 */

/** The values the wire format carries; dates are formatted by the caller. */
export type PythonJsonValue =
  | null
  | boolean
  | number
  | string
  | readonly PythonJsonValue[]
  | { readonly [key: string]: PythonJsonValue };

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

// Python's ESCAPE_ASCII: a backslash, a quote, or anything outside space..tilde.
const NEEDS_ESCAPE = /[\\"]|[^ -~]/g;

function pythonString(text: string): string {
  const escaped = text.replace(NEEDS_ESCAPE, (char) => {
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) return short;
    // A JS string is UTF-16 already, so each code unit (including each half of a surrogate
    // pair) is exactly one `\uXXXX`, as Python writes it.
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

function pythonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`cannot encode ${value} as JSON`);
  if (Number.isInteger(value)) return String(value);
  // Python's float repr and JS's shortest round-trip form agree except for the exponent style.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Serialises a value the way Python's `json.dumps(value)` does. */
export function pythonJsonDumps(value: PythonJsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return pythonNumber(value);
    case 'string':
      return pythonString(value);
  }
  if (Array.isArray(value))
    return `[${value.map((item: PythonJsonValue) => pythonJsonDumps(item)).join(', ')}]`;
  const entries = Object.entries(value as { readonly [key: string]: PythonJsonValue });
  return `{${entries.map(([key, item]) => `${pythonString(key)}: ${pythonJsonDumps(item)}`).join(', ')}}`;
}

/**
 * A date as Django's `DjangoJSONEncoder` writes it: ISO 8601, milliseconds only when the time
 * has a fraction, `Z` for UTC (`2026-11-29T14:19:10.871Z`, `2026-11-29T14:19:10Z`).
 */
export function djangoJsonDate(date: Date): string {
  const iso = date.toISOString();
  return date.getUTCMilliseconds() === 0 ? `${iso.slice(0, 19)}Z` : iso;
}
