// The Web Worker a UI replica folds its DAO in (fold-protocol.ts): requests in, answers out, in order.
import { FoldServer } from './fold-protocol.ts';
import { indexedDbSnapshotStore } from './fold-snapshot-store.ts';

const server = new FoldServer({ snapshots: indexedDbSnapshotStore });
self.addEventListener('message', (event: MessageEvent) => {
  void server.handle(event.data).then((reply) => {
    if (reply) self.postMessage(reply);
  });
});
