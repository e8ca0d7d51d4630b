import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SectionResult } from '../lib/report.ts';

// Written by another helper; read through a computed path so this file typechecks without it.
const SIGN_VERIFY_URL = new URL('../sign-verify.ts', import.meta.url);

interface SignVerifyModule {
  runSignVerifyBench(options: {
    quick: boolean;
  }): Promise<{ rows: unknown[]; ratios: Record<string, number> }>;
}

function isModule(value: unknown): value is SignVerifyModule {
  return typeof (value as Partial<SignVerifyModule>)?.runSignVerifyBench === 'function';
}

// Rows may come as cell arrays or as objects (their keys then make the columns).
function tabulate(rows: unknown[]): { columns: string[]; rows: string[][] } {
  if (rows.length === 0) return { columns: [], rows: [] };
  if (rows.every(Array.isArray)) {
    const [head, ...rest] = rows as unknown[][];
    return { columns: (head ?? []).map(String), rows: rest.map((row) => row.map(String)) };
  }
  const objects = rows as Array<Record<string, unknown>>;
  const columns = [...new Set(objects.flatMap((row) => Object.keys(row)))];
  return { columns, rows: objects.map((row) => columns.map((column) => String(row[column] ?? ''))) };
}

/** Signing and verifying a request against a bare HMAC, from `bench/sign-verify.ts`. */
export async function signVerifySection(quick: boolean): Promise<SectionResult> {
  const section: SectionResult = {
    title: 'Signing and verifying (vs bare HMAC-SHA256)',
    intro:
      'Operations per second of the request signer and verifier against a bare `createHmac` over the same message.',
    columns: [],
    rows: [],
    ratios: {},
    goals: [],
    notes: [],
  };
  if (!existsSync(fileURLToPath(SIGN_VERIFY_URL))) {
    section.notes.push('not measured: bench/sign-verify.ts does not exist yet');
    return section;
  }
  const loaded: unknown = await import(SIGN_VERIFY_URL.href);
  if (!isModule(loaded)) {
    section.notes.push('not measured: bench/sign-verify.ts does not export runSignVerifyBench');
    return section;
  }
  const result = await loaded.runSignVerifyBench({ quick });
  const table = tabulate(result.rows);
  section.columns = table.columns;
  section.rows = table.rows;
  for (const [name, value] of Object.entries(result.ratios)) {
    section.ratios[name.startsWith('sign-verify.') ? name : `sign-verify.${name}`] = value;
  }
  return section;
}
