// A member's text in a screen (shown-text.ts): direction controls as visible marks, and isolated (<bdi>) so that
// right-to-left text in it cannot reorder the words around it.
import { shownText } from './shown-text.ts';

export function MemberText({ text }: { text: string }) {
  return <bdi>{shownText(text)}</bdi>;
}
