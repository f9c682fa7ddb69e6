// How large a DAO's collaborative texts may grow by this node's edits (the live charter, proposal drafts), and how
// large one edit may be. Kept free of imports: the bridge contract (core/bridge/api.ts) and the preload use it.

/** Longest a DAO's founding charter may be (its genesis record holds it); the working charter is a text, below. */
export const maxCharterLength = 2000;

/** Longest a text may become through an edit (characters, UTF-16 units as JavaScript counts them). */
export const maxTextChars = 20_000;

/** Most splices in one edit: a typing burst is one, a paste or a multi-cursor edit a few. */
export const maxTextOps = 64;

/** Most characters one splice may delete (a text a peer made longer than maxTextChars can still be cut down). */
export const maxTextDelete = 1024 * 1024;

/** An encoded Yjs relative position is a few bytes (an item id and an association); the rest is room. */
export const maxRelativePositionChars = 1024;
