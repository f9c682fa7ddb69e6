// A draft has no title of its own: its first line is its title, in the list and in the proposal made from it,
// and what follows is the proposal's text.
const maxTitleChars = 200;

/** The first line with something on it, trimmed and cut to a proposal title's length ('' for an empty draft). */
export function draftTitle(text: string): string {
  const line = text.split('\n').find((candidate) => candidate.trim().length > 0) ?? '';
  return [...line.trim()].slice(0, maxTitleChars).join('');
}

/** What follows the title line, trimmed; the whole draft when nothing does. */
export function draftBody(text: string): string {
  const lines = text.split('\n');
  const title = lines.findIndex((candidate) => candidate.trim().length > 0);
  const body = title === -1 ? '' : lines.slice(title + 1).join('\n').trim();
  return body.length > 0 ? body : text.trim();
}
