// What each transport carries before validation: untyped method calls and events.
// It is also exactly the shape the Electron preload exposes as `window.daomesh`.
export interface RawTransport {
  call(method: string, params: unknown): Promise<unknown>;
  on(event: string, listener: (data: unknown) => void): () => void;
}
