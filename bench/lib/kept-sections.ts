/** A section of an earlier RESULTS.md, kept as it was written (hand-added notes included). */
export interface KeptSection {
  title: string;
  /** The whole section, from its `## ` heading on. */
  markdown: string;
  /** Its `Goals:` lines (`- … — met`), for the file's goal list. */
  goalLines: string[];
  /** When it ran, from the file's header; undefined when the header does not say. */
  ranAt: string | undefined;
}

/**
 * The sections of an earlier RESULTS.md, for a run of some sections (`--only`) without the
 * data of a previous run (a fresh clone: `bench/results/` is not in git): they are kept as
 * text, so the sections not run again do not disappear from the file.
 */
export function keptSections(resultsMarkdown: string): KeptSection[] {
  const [header = '', ...blocks] = resultsMarkdown.split(/^## /m);
  return blocks
    .map((block) => {
      const title = block.slice(0, block.indexOf('\n')).trim();
      const goals = /^Goals:\n((?:- .*\n?)*)/m.exec(block)?.[1] ?? '';
      return {
        title,
        markdown: `## ${block.trimEnd()}`,
        goalLines: goals.split('\n').filter((line) => line.startsWith('- ')),
        ranAt: ranAtIn(header, title),
      };
    })
    .filter((section) => section.title !== 'Goals');
}

/** The date the header gives a section: `Run DATE, …` for all, or `Sections from several runs: TITLE: DATE; …`. */
function ranAtIn(header: string, title: string): string | undefined {
  const single = /^Run (\S+?),/m.exec(header)?.[1];
  if (single !== undefined) return single;
  const at = header.indexOf(`${title}: `);
  if (at < 0) return undefined;
  return /^(\S+?)[;.]?(?:\s|$)/.exec(header.slice(at + title.length + 2))?.[1];
}
