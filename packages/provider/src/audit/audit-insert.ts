import type { CompiledQuery, Kysely } from 'kysely';
import { AUDIT_TABLE, type AuditRow, type AuditSchema } from './audit-schema.ts';

export type NewAuditRow = Omit<AuditRow, 'id'>;

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
    // In the INSERT's column order (PLACEHOLDER's), row after row; named loads stay monomorphic.
    const parameters: unknown[] = [];
    for (const row of rows) {
      parameters.push(
        row.at,
        row.action,
        row.outcome,
        row.username,
        row.address,
        row.api_key,
        row.via,
        row.host,
      );
    }
    await db.executeQuery({ ...query, parameters });
  };
}
