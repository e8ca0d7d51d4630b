import { pythonJsonDumps } from './python-json.ts';

/**
 * `{"error": TEXT}` exactly as the original Django views wrote it with Python's `json.dumps`:
 * a space after the colon and every non-ASCII character escaped, so byte-comparing peers and
 * recorded transcripts match.
 */
export function wireErrorJson(text: string): string {
  return `{"error": ${pythonJsonString(text)}}`;
}

/** A JSON string literal as Python's `json.dumps` (ensure_ascii) writes it. */
export function pythonJsonString(text: string): string {
  return pythonJsonDumps(text);
}
