import { createHash } from 'node:crypto';
import { escapeHtml } from '@ssokit/protocol';

export { escapeHtml };

/** Marks HTML built by this module, so `html` templates do not escape it twice. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | readonly SafeHtml[] | null | undefined | false;

/**
 * A tagged template that escapes every interpolated value unless it is already `SafeHtml`:
 * a page cannot forget to escape a username or a URL.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    if (value instanceof SafeHtml) out += value.value;
    else if (Array.isArray(value)) out += value.map((item: SafeHtml) => item.value).join('');
    else if (value !== null && value !== undefined && value !== false) out += escapeHtml(String(value));
    out += strings[index + 1] ?? '';
  });
  return new SafeHtml(out);
}

// Small, self-contained and readable on a phone; no external files, no scripts.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
main{max-width:26rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d0d7de;border-radius:8px}
h1{font-size:1.4rem;margin:0 0 1rem}
h2{font-size:1.15rem;margin:0 0 1rem;overflow-wrap:anywhere}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.6rem;font-size:1rem;border:1px solid #8c959f;border-radius:6px}
button,.button{display:inline-block;margin:1rem .5rem 0 0;padding:.6rem 1.1rem;font-size:1rem;border:1px solid #1f6feb;border-radius:6px;background:#1f6feb;color:#fff;text-decoration:none;cursor:pointer}
.button.secondary,button.secondary{background:#fff;color:#1f6feb}
.error{padding:.6rem;border-radius:6px;background:#ffebe9;border:1px solid #ff8182;color:#82071e}
.note{color:#57606a;font-size:.9rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
main.wide{max-width:64rem;margin:1rem auto}
select{width:100%;padding:.6rem;font-size:1rem;border:1px solid #8c959f;border-radius:6px;background:#fff}
input[type=email],input[type=search]{width:100%;padding:.6rem;font-size:1rem;border:1px solid #8c959f;border-radius:6px}
nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0 0 1rem;padding:0 0 .5rem;border-bottom:1px solid #d0d7de}
h3{font-size:1rem;margin:1.5rem 0 .5rem}
.scroll{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:left;padding:.4rem;border-bottom:1px solid #d0d7de;vertical-align:top;overflow-wrap:break-word}
th,button{white-space:nowrap}
form.inline{display:inline}form.inline button{margin:.25rem .25rem .25rem 0;padding:.3rem .7rem;font-size:.9rem}
button.danger{background:#cf222e;border-color:#cf222e}
.check{display:flex;gap:.5rem;align-items:center;margin:.75rem 0 0;font-weight:400}
.notice{padding:.6rem;border-radius:6px;background:#dafbe1;border:1px solid #4ac26b;color:#116329}
.secret{display:block;font-family:ui-monospace,monospace;overflow-wrap:anywhere;padding:.6rem;background:#fff8c5;border:1px solid #d4a72c;border-radius:6px}
@media (max-width:40rem){main,main.wide{margin:0;border:0;border-radius:0;padding:1rem}th,td{white-space:nowrap;overflow-wrap:normal}}
`.trim();

/** The CSP source that allows exactly the inline style above and nothing else. */
export const STYLE_CSP_SOURCE = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

export interface PageOptions {
  title: string;
  /** The site's name in the heading. */
  siteName: string;
  body: SafeHtml;
  /** A wider page for tables (the admin pages). @default false */
  wide?: boolean;
}

/** A complete HTML document. */
export function renderDocument(options: PageOptions): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${options.title} | ${options.siteName}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
${options.wide ? html`<main class="wide">` : html`<main>`}
<h1>${options.siteName}</h1>
${options.body}
</main>
</body>
</html>
`.value;
}
