// Whether what a member typed is the DAO's name, as a person reads it. The name is whatever its founder wrote
// (any characters: newlines, runs of spaces, zero-width and direction marks), and the screen shows it with those
// collapsed or invisible; matching it exactly would let a founder make the rage quit dialog, which asks for the
// name, impossible to confirm.
import { shownText } from '../../../components/shown-text.ts';

/** The name as typed or pasted from the screen: compatibility forms folded, invisible characters gone, spaces single. */
export function typableName(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\p{Cf}/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLocaleLowerCase();
}

/** True when `typed` names `name`; never for a name with nothing typable in it, which confirms with anything typed. */
export function typedNameMatches(typed: string, name: string): boolean {
  const wanted = typableName(name);
  if (wanted === '') return typed.trim() !== '';
  // The name as shown, with its direction controls as marks (shown-text.ts), is the name too.
  const typedName = typableName(typed);
  return typedName === wanted || typedName === typableName(shownText(name));
}
