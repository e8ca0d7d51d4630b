import type { SectionResult } from '../lib/report.ts';

export async function growthSection(_options: { quick: boolean }): Promise<SectionResult> {
  return {
    title: 'Growth',
    intro: 'Route and login latency with many stored users and sessions.',
    columns: [],
    rows: [],
    ratios: {},
    goals: [],
    notes: ['not measured yet'],
  };
}
