// The Web Worker a UI replica folds its DAO in (fold-protocol.ts): requests in, answers out, in order.
import { FoldServer } from './fold-protocol.ts';

const server = new FoldServer();
self.addEventListener('message', (event: MessageEvent) => {
  const reply = server.handle(event.data);
  if (reply) self.postMessage(reply);
});
