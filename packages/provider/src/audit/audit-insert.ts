import type { CompiledQuery, Kysely } from 'kysely';
import { AUDIT_TABLE, type AuditRow, type AuditSchema } from './audit-schema.ts';

export type NewAuditRow = Omit<AuditRow, 'id'>;

/** The columns in the order of the INSERT's parameters, row after row. */
const COLUMNS = ['at', 'action', 'outcome', 'username', 'address', 'api_key', 'via', 'host'] as const;
const PLACEHOLDER: NewAuditRow = {
  at: '',
  action: '',
  outcome: null,
  username: null,
  address: null,
  api_key: null,
  via: null,
  host: null,
};

/**
 * Writes a batch of audit rows with one multi-row INSERT, built and compiled by Kysely once per
 * batch size (at most `maxBatch` of them) instead of once per batch: only the parameters
 * change. The same SQL text also lets SQLite's statement cache prepare it once.
 */
export function auditInsert(db: Kysely<AuditSchema>, maxBatch: number) {
  const compiled = new Map<number, CompiledQuery>();
  return async (rows: readonly NewAuditRow[]): Promise<void> => {
    if (rows.length === 0) return;
    if (rows.length > maxBatch) throw new RangeError(`at most ${maxBatch} audit rows at once`);
    let query = compiled.get(rows.length);
    if (query === undefined) {
      query = db
        .insertInto(AUDIT_TABLE)
        .values(rows.map(() => PLACEHOLDER) as AuditRow[])
        .compile();
      compiled.set(rows.length, query);
    }
    const parameters: unknown[] = [];
    for (const row of rows) for (const column of COLUMNS) parameters.push(row[column]);
    await db.executeQuery({ ...query, parameters });
  };
}
