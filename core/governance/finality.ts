// When does a tally certificate become final? At a record whose causal past holds `threshold` signatures of
// the identical certificate by distinct current members, none of whom signed a different certificate for the
// proposal within that same past (equivocation). Such a record is a finalization; the proposal is final in
// every view that contains one. Because a finalization is a fact about one record's causal past, no record
// published later can take it back: an equivocating signature that arrives late is not in its past.
//
// Each new record is tested against the proposals that could newly become final in its view: those with
// signatures and no finalization yet, and (for a record that had not seen everything) those whose only
// finalizations it had not seen.
import type { Finalization, LedgerIndex, LedgerNode, ProposalInfo, View } from './ledger-index.ts';
import { effectiveThreshold } from './rules.ts';
import type { ViewStates } from './view-state.ts';

/** Records the proposals `node` finalizes; `parents`: its parents' indices (deps and device delegation). */
export function settle(index: LedgerIndex, views: ViewStates, node: LedgerNode, parents: readonly number[]): void {
  const sawEverything = node.sawEverything;
  const view = index.viewOf(node.index);
  const state = views.stateIn(view);
  // A record written on top of one record and nothing else new (its past is that record's plus itself: the next
  // record of an envelope, a member's next record while others write concurrently), in the governance state
  // that record was settled in, sees the signatures that record saw, judged the same way (its own exits and
  // revocations aside): it finalizes nothing that record did not, unless its own signature tips a proposal.
  const parent = parentExtended(index, node, parents);
  const shortcut = parent >= 0 && index.settledStates.get(parent) === state && node.kind !== 'member.ragequit' && node.kind !== 'device.revoke';
  const own = shortcut && node.verdict.ok && node.verdict.data.kind === 'tally.sign' ? node.verdict.data.signature.proposal : null;
  if (shortcut && own === null) {
    index.settledStates.set(node.index, state);
    return;
  }
  // A view that misses no exit, finalization or revocation, and none of a proposal's signatures, decides that
  // proposal as "everything" does; so an unsettled proposal whose inputs have not changed since its last
  // failed check cannot qualify now either. (Records written concurrently are mostly votes and signatures.)
  let candidates: Iterable<ProposalInfo>;
  let likeEverything = true;
  const threshold = effectiveThreshold(state.rules, state.members.size);
  if (own !== null) {
    candidates = [own];
    if (!sawEverything) likeEverything = index.unseenChanges(node.index).length === 0 && !index.missesRevocation(node.index);
  } else {
    const unseenChanges = sawEverything ? [] : index.unseenChanges(node.index);
    likeEverything = unseenChanges.length === 0 && (sawEverything || !index.missesRevocation(node.index));
    // A proposal sits in one bucket of the unsettled ones, so only the unseen finalizations can repeat one.
    candidates = index.unsettledReaching(threshold);
    if (!likeEverything) {
      const all = new Set<ProposalInfo>();
      for (const record of unseenChanges) for (const proposal of index.finalizedAt.get(record) ?? []) all.add(proposal);
      for (const proposal of candidates) all.add(proposal);
      candidates = all;
    }
  }

  // Decide all first, then record: what this record finalizes does not change what else it finalizes.
  const finalized: Array<[ProposalInfo, Finalization]> = [];
  for (const proposal of candidates) {
    // No certificate has as many signers in all, let alone in this view: a proposal stuck on split or too
    // few signatures costs one comparison per record.
    if (proposal.ceiling < threshold || index.isFinalIn(proposal, view)) continue;
    // Fewer signers in this view than the threshold, whatever they signed: the usual case for a record written
    // concurrently with the signatures, and cheaper to see than a failed check.
    if (!sawEverything && signersInView(index, proposal, node.index) < threshold) continue;
    let inputs: QualificationInputs | null = null;
    if (likeEverything && proposal.finalizations.length === 0 && (sawEverything || proposal.signatures.every((signature) => index.causal.inPast(signature, node.index)))) {
      inputs = { signatures: proposal.signatures.length, eventsVersion: index.eventsVersion, revocations: index.revocationCount, state };
      const memo = index.qualificationMemo.get(proposal);
      if (memo && memo.signatures === inputs.signatures && memo.eventsVersion === inputs.eventsVersion && memo.revocations === inputs.revocations && memo.state === inputs.state) continue;
    }
    const certificate = qualifyingCertificate(index, views, proposal, view);
    if (certificate) finalized.push([proposal, { at: node.index, certificate: certificate.key, outcome: certificate.outcome, time: node.time }]);
    else if (inputs) index.qualificationMemo.set(proposal, inputs);
  }
  index.settledStates.set(node.index, state);
  for (const [proposal, finalization] of finalized) {
    const firstPass = finalization.outcome === 'passed' && !proposal.finalizations.some((earlier) => earlier.outcome === 'passed');
    proposal.finalizations.push(finalization);
    index.unsettled.get(proposal.ceiling)?.delete(proposal);
    const list = index.finalizedAt.get(node.index);
    if (list) list.push(proposal);
    else index.finalizedAt.set(node.index, [proposal]);
    index.markChange(node.index);
    if (firstPass) index.passed.push(proposal);
    index.qualificationMemo.delete(proposal);
    index.eventsVersion++;
    if (proposal.removes) index.standingVersion++;
    index.eventChanges.push(proposal);
  }
}

/** The parent of `node` whose causal past is node's but for node itself, or -1 when it has none (a merge). */
function parentExtended(index: LedgerIndex, node: LedgerNode, parents: readonly number[]): number {
  for (const parent of parents) if (index.causal.extendsOnly(node.index, parent)) return parent;
  return -1;
}

/** Distinct signers of the proposal's signatures in the causal past of record `at`. */
function signersInView(index: LedgerIndex, proposal: ProposalInfo, at: number): number {
  const signers: string[] = [];
  for (const signature of proposal.signatures) {
    if (!index.causal.inPast(signature, at)) continue;
    const signer = index.node(signature).author;
    if (!signers.includes(signer)) signers.push(signer);
  }
  return signers.length;
}

type QualificationInputs = { signatures: number; eventsVersion: number; revocations: number; state: object };

/** The certificate that enough current members signed, and only it, within `view`; or null. */
export function qualifyingCertificate(
  index: LedgerIndex,
  views: ViewStates,
  proposal: ProposalInfo,
  view: View,
): { key: string; outcome: 'passed' | 'rejected'; signers: string[] } | null {
  const signatures = proposal.signatures.filter((signature) => index.inView(signature, view));
  if (signatures.length === 0) return null;
  const state = views.stateIn(view);
  const threshold = effectiveThreshold(state.rules, state.members.size);
  // The usual case: every signature in the view is of one certificate, so nobody equivocated; count its signers.
  const first = index.signatureInfo(signatures[0]!);
  if (signatures.every((signature) => index.signatureInfo(signature).certificate === first.certificate)) {
    const signers: string[] = [];
    for (const signature of signatures) {
      const signer = index.signatureInfo(signature).signer;
      if (signers.includes(signer) || !state.members.has(signer) || index.standing(signature, view) !== null) continue;
      signers.push(signer);
    }
    return signers.length >= threshold ? { key: first.certificate, outcome: first.outcome, signers: signers.sort() } : null;
  }
  const certificatesBySigner = new Map<string, Set<string>>();
  for (const signature of signatures) {
    const info = index.signatureInfo(signature);
    const set = certificatesBySigner.get(info.signer) ?? new Set<string>();
    set.add(info.certificate);
    certificatesBySigner.set(info.signer, set);
  }
  const signersByCertificate = new Map<string, { outcome: 'passed' | 'rejected'; signers: Set<string> }>();
  for (const signature of signatures) {
    const info = index.signatureInfo(signature);
    if (certificatesBySigner.get(info.signer)!.size > 1) continue;
    if (!state.members.has(info.signer) || index.standing(signature, view) !== null) continue;
    const entry = signersByCertificate.get(info.certificate) ?? { outcome: info.outcome, signers: new Set<string>() };
    entry.signers.add(info.signer);
    signersByCertificate.set(info.certificate, entry);
  }
  for (const [key, entry] of signersByCertificate) {
    if (entry.signers.size >= threshold) return { key, outcome: entry.outcome, signers: [...entry.signers].sort() };
  }
  return null;
}
