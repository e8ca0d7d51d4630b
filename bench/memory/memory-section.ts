import type { SectionResult } from '../lib/report.ts';

export async function memorySection(_options: { quick: boolean }): Promise<SectionResult> {
  return {
    title: 'Memory',
    intro: 'Heap per in-memory session; provider heap after request tokens expire.',
    columns: [],
    rows: [],
    ratios: {},
    goals: [],
    notes: ['not measured yet'],
  };
}
