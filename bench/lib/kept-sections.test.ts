import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keptSections } from './kept-sections.ts';

const file = `# Benchmark results

Sections from several runs: Growth: latency: 2026-11-29T19:41:49.168Z; Login flow (headless): 2026-12-02T03:06:50.519Z. Written by \`npm run bench\`.

Machine: x

## Goals

- a goal — met

## Growth: latency

| a | b |
| --- | --- |
| 1 | 2 |

Goals:
- sqlite: within 10%: 0.942 — met
- postgres: within 10%: 1.141 — **missed**

- a note
A hand-added line.

## Login flow (headless)

Intro.
`;

describe('keptSections', () => {
  it('keeps each section as written, with its goal lines and the date the header gives it', () => {
    const sections = keptSections(file);
    assert.deepEqual(
      sections.map((s) => [s.title, s.ranAt, s.goalLines]),
      [
        [
          'Growth: latency',
          '2026-11-29T19:41:49.168Z',
          ['- sqlite: within 10%: 0.942 — met', '- postgres: within 10%: 1.141 — **missed**'],
        ],
        ['Login flow (headless)', '2026-12-02T03:06:50.519Z', []],
      ],
    );
    assert.match(sections[0]?.markdown ?? '', /^## Growth: latency\n[\s\S]*A hand-added line\.$/);
  });

  it('reads the date of a file written by one run', () => {
    const single = file.replace(
      /^Sections from several runs: .*$/m,
      'Run 2026-11-29T10:00:00.000Z, finished in 9 s.',
    );
    assert.deepEqual(
      keptSections(single).map((s) => s.ranAt),
      ['2026-11-29T10:00:00.000Z', '2026-11-29T10:00:00.000Z'],
    );
  });
});
