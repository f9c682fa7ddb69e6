// Text that other members or peers chose (titles, DAO names, texts, peers' errors) reaches the terminal in the
// human output. Raw, its control characters move the cursor, erase or conceal lines, and bidi overrides reorder
// what follows, so one proposal could print as another. --json needs none of this: JSON escapes them itself.
// No dependency does exactly this: util.stripVTControlCharacters removes ANSI sequences only, leaving a bare CR,
// a backspace and the bidi controls, and it hides that anything was there.

// C0, DEL and C1 (\p{Cc}); the bidi embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
const controlOrBidi = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

// A visible escape rather than U+FFFD or nothing: the reader sees that something was slipped in, and which.
function visibleEscape(char: string): string {
  const code = char.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

/** One line for a terminal: every control character escaped, line breaks and tabs too. */
export function terminalLine(text: string): string {
  return text.replace(controlOrBidi, visibleEscape);
}

/** A multi-line text for a terminal (a charter, a draft): as terminalLine, but it keeps its line breaks and tabs. */
export function terminalText(text: string): string {
  return text.replace(controlOrBidi, (char) => (char === '\n' || char === '\t' ? char : visibleEscape(char)));
}
