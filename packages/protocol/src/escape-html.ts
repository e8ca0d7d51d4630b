/**
 * Escapes text for HTML element content and quoted attribute values: the one escaping of the
 * client's error pages and the provider's pages.
 */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
