// The local API's handshake. The client and the node each prove that they hold the data directory's secret,
// and the node proves it first, so the secret itself never crosses the socket: a program that took over the port
// of a node that crashed (its api.json left behind) learns only a random nonce from a client that connects to it.
//
//   client: upgrade, subprotocols [bridgeProtocol, nonceProtocolPrefix + clientNonce]
//   node:   { challenge: { nonce: nodeNonce, proof: HMAC(secret, "node", port, clientNonce, nodeNonce) } }
//   client: checks the proof, then { answer: HMAC(secret, "client", port, clientNonce, nodeNonce) }
//   node:   checks the answer, then { authorized: true }; a wrong answer closes with unauthorizedCloseCode
//
// The port in both proofs is the one the node listens on, as the client dialled it: a program on a stale port that
// relays the handshake to the real node elsewhere gets a proof for the other port, which the client refuses.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

/** The second subprotocol of an upgrade: the client's nonce (browsers cannot set headers on a WebSocket). */
export const nonceProtocolPrefix = 'daomesh-nonce.';
/** The node closes with this code a socket whose answer is wrong, late, or missing. */
export const unauthorizedCloseCode = 4401;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const AuthChallengeFrame = z.object({ challenge: z.object({ nonce: hex64, proof: hex64 }).strict() }).strict();
export const AuthAnswerFrame = z.object({ answer: hex64 }).strict();
export const AuthAcceptedFrame = z.object({ authorized: z.literal(true) }).strict();

/** A fresh nonce: 32 random bytes, hex. */
export function newAuthNonce(): string {
  return bytesToHex(randomBytes(32));
}

/** The nonce in an upgrade's subprotocol list, or null when there is none or it is malformed. */
export function nonceOfProtocols(protocols: Iterable<string>): string | null {
  for (const protocol of protocols) {
    if (!protocol.startsWith(nonceProtocolPrefix)) continue;
    const nonce = protocol.slice(nonceProtocolPrefix.length);
    return hex64.safeParse(nonce).success ? nonce : null;
  }
  return null;
}

export type AuthRound = { port: number; clientNonce: string; nodeNonce: string };

/** What the node sends to show it holds the secret. */
export function nodeProof(secret: string, round: AuthRound): string {
  return proof(secret, 'node', round);
}

/** What the client answers to show it holds the secret. */
export function clientProof(secret: string, round: AuthRound): string {
  return proof(secret, 'client', round);
}

function proof(secret: string, role: 'node' | 'client', round: AuthRound): string {
  const message = `daomesh-api ${role} ${round.port} ${round.clientNonce} ${round.nodeNonce}`;
  return bytesToHex(hmac(sha256, utf8ToBytes(secret), utf8ToBytes(message)));
}

/**
 * The client's step: the answer frame to send for the node's first frame, or null when that frame is no challenge
 * or its proof does not hold (not the node: nothing goes back).
 */
export function answerToChallenge(secret: string, port: number, clientNonce: string, frame: unknown): string | null {
  const challenge = AuthChallengeFrame.safeParse(frame);
  if (!challenge.success) return null;
  const round = { port, clientNonce, nodeNonce: challenge.data.challenge.nonce };
  if (!sameProof(challenge.data.challenge.proof, nodeProof(secret, round))) return null;
  return JSON.stringify({ answer: clientProof(secret, round) });
}

/** Whether the node's frame after the answer says it took it. */
export function isAuthAccepted(frame: unknown): boolean {
  return AuthAcceptedFrame.safeParse(frame).success;
}

/** Compares two proofs in time that does not depend on where they differ. */
export function sameProof(given: string, expected: string): boolean {
  if (given.length !== expected.length) return false;
  let difference = 0;
  for (let at = 0; at < given.length; at++) difference |= given.charCodeAt(at) ^ expected.charCodeAt(at);
  return difference === 0;
}

/** The port a ws:// URL dials (80 when it names none), or null for a URL that is not one. */
export function portOfUrl(url: string): number | null {
  const match = /^ws:\/\/(?:\[[0-9a-fA-F:.]+\]|[^/:?#[\]@]+)(?::(\d{1,5}))?(?:[/?#]|$)/.exec(url);
  if (match === null) return null;
  const port = match[1] === undefined ? 80 : Number(match[1]);
  return port <= 65535 ? port : null;
}
