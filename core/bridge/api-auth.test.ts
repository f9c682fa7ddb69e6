import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientProof, newAuthNonce, nodeProof, nonceOfProtocols, nonceProtocolPrefix, portOfUrl, sameProof } from './api-auth.ts';

test('a proof holds for its own secret, role, port and nonces only', () => {
  const round = { port: 4321, clientNonce: newAuthNonce(), nodeNonce: newAuthNonce() };
  const proof = nodeProof('secret', round);
  assert.match(proof, /^[0-9a-f]{64}$/);
  assert.ok(sameProof(proof, nodeProof('secret', { ...round })));
  for (const other of [
    nodeProof('secret2', round),
    clientProof('secret', round),
    nodeProof('secret', { ...round, port: 4322 }),
    nodeProof('secret', { ...round, clientNonce: newAuthNonce() }),
    nodeProof('secret', { ...round, nodeNonce: newAuthNonce() }),
    nodeProof('secret', { port: round.port, clientNonce: round.nodeNonce, nodeNonce: round.clientNonce }),
  ]) {
    assert.ok(!sameProof(other, proof));
  }
  assert.ok(!sameProof(proof.slice(1), proof));
  assert.ok(!sameProof('', proof));
});

test('the nonce is read from an upgrade\'s subprotocols only when well formed', () => {
  const nonce = newAuthNonce();
  assert.equal(nonceOfProtocols(['daomesh-bridge.v2', `${nonceProtocolPrefix}${nonce}`]), nonce);
  assert.equal(nonceOfProtocols(['daomesh-bridge.v2']), null);
  assert.equal(nonceOfProtocols([`${nonceProtocolPrefix}${nonce.toUpperCase()}`]), null);
  assert.equal(nonceOfProtocols([`${nonceProtocolPrefix}${nonce}0`]), null);
  assert.notEqual(newAuthNonce(), nonce);
});

test('the port a ws: URL dials', () => {
  assert.equal(portOfUrl('ws://127.0.0.1:48731/api'), 48731);
  assert.equal(portOfUrl('ws://localhost/api'), 80);
  assert.equal(portOfUrl('http://127.0.0.1:48731/api'), null);
  assert.equal(portOfUrl('not a url'), null);
  assert.equal(portOfUrl('ws://[::1]:9/api'), 9);
  assert.equal(portOfUrl('ws://127.0.0.1:70000/api'), null);
  assert.equal(portOfUrl('ws://user@127.0.0.1:9/api'), null);
});
