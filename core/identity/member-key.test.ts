import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { DaomeshError } from '../errors.ts';
import {
  checksumAddress,
  createRecoveryPhrase,
  isValidRecoveryPhrase,
  memberKeyFromPhrase,
  memberKeyFromPrivateKey,
  personalMessageDigest,
  recoverAddress,
  signatureFromEthereumHex,
  signatureToEthereumHex,
  signDigest,
  verifyDigest,
} from './member-key.ts';

const web3DocsKey = hexToBytes('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');

test('derives Ethereum addresses from private keys (known vectors)', () => {
  assert.equal(memberKeyFromPrivateKey(web3DocsKey).address, '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23');
  const one = new Uint8Array(32);
  one[31] = 1;
  assert.equal(memberKeyFromPrivateKey(one).address, '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf');
});

test('derives the first Ethereum account from a BIP-39 phrase (Hardhat/Foundry default mnemonic)', () => {
  const key = memberKeyFromPhrase('test test test test test test test test test test test junk');
  assert.equal(bytesToHex(key.privateKey), 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
  assert.equal(key.address, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
});

test('EIP-55 checksums match the EIP test vectors', () => {
  for (const address of [
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ]) {
    assert.equal(checksumAddress(address.toLowerCase()), address);
  }
});

test('a new phrase round-trips to the same key, whatever the spacing and case it is typed with', () => {
  const phrase = createRecoveryPhrase();
  assert.equal(phrase.split(' ').length, 12);
  assert.ok(isValidRecoveryPhrase(phrase));
  const key = memberKeyFromPhrase(phrase);
  const retyped = `  ${phrase.toUpperCase().split(' ').join('\n  ')} `;
  assert.equal(memberKeyFromPhrase(retyped).address, key.address);
  assert.deepEqual(memberKeyFromPhrase(retyped).privateKey, key.privateKey);
  assert.notEqual(createRecoveryPhrase(), phrase);
});

test('malformed phrases give a clear INVALID_PHRASE error', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /0 words/],
    ['test test test', /3 words/],
    ['test test test test test test test test test test test notaword', /unknown word: notaword/],
    ['test test test test test test test test test test test test', /checksum/],
  ];
  for (const [phrase, detail] of cases) {
    assert.throws(
      () => memberKeyFromPhrase(phrase),
      (error: unknown) => error instanceof DaomeshError && error.code === 'INVALID_PHRASE' && detail.test(error.message),
    );
  }
});

test('personal_sign matches a known wallet signature and recovers the signer', () => {
  const digest = personalMessageDigest(utf8ToBytes('Some data'));
  assert.equal(bytesToHex(digest), '1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655');
  const signature = signDigest(web3DocsKey, digest);
  assert.equal(
    signatureToEthereumHex(signature),
    '0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c',
  );
  assert.deepEqual(signatureFromEthereumHex(signatureToEthereumHex(signature)), signature);
  assert.equal(recoverAddress(digest, signature), '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23');
});

test('verification rejects tampered messages, tampered signatures and other signers', () => {
  const alice = memberKeyFromPhrase(createRecoveryPhrase());
  const bob = memberKeyFromPhrase(createRecoveryPhrase());
  const digest = personalMessageDigest(utf8ToBytes('vote yes on proposal 7'));
  const signature = signDigest(alice.privateKey, digest);
  assert.ok(verifyDigest(alice.address, digest, signature));
  assert.ok(verifyDigest(alice.address.toLowerCase(), digest, signature));

  const otherMessage = personalMessageDigest(utf8ToBytes('vote no on proposal 7'));
  assert.equal(verifyDigest(alice.address, otherMessage, signature), false);

  const flippedDigest = Uint8Array.from(digest);
  flippedDigest[0]! ^= 1;
  assert.equal(verifyDigest(alice.address, flippedDigest, signature), false);

  for (const index of [1, 20, 40, 64]) {
    const tampered = Uint8Array.from(signature);
    tampered[index]! ^= 0x80;
    assert.equal(verifyDigest(alice.address, digest, tampered), false, `byte ${index} flipped`);
  }
  assert.equal(verifyDigest(alice.address, digest, signature.subarray(0, 64)), false);
  assert.equal(verifyDigest(alice.address, digest, new Uint8Array(65)), false);
  assert.equal(verifyDigest(bob.address, digest, signature), false);

  // The high-s twin (s' = n - s, recovery bit flipped) recovers the same key: refused, so no signature has two forms.
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const s = BigInt(`0x${Buffer.from(signature.subarray(33)).toString('hex')}`);
  const twin = Uint8Array.from(signature);
  twin[0] = signature[0]! ^ 1;
  twin.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), 33);
  assert.equal(recoverAddress(digest, twin), null);
  assert.throws(() => signDigest(alice.privateKey, new Uint8Array(31)), DaomeshError);
});
