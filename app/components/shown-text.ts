// Text members wrote (DAO names, titles, charters, signal texts), as the screens show it. Direction controls
// (embeddings, overrides, isolates) make what follows them read reversed or moved: a title could show an address
// backwards, or pass for other text. The bridge refuses them in names and titles typed here, but a peer's record
// may carry them, so they show as visible marks; marks that only set direction (U+200E, U+200F) stay, as right-
// to-left writing needs them.
const directionControls = /[\u202A-\u202E\u2066-\u2069]/gu;

export function shownText(text: string): string {
  return text.replace(directionControls, (control) => `[U+${control.codePointAt(0)!.toString(16).toUpperCase()}]`);
}
