// What one member's concurrent records cost the fold (issue 3's note, "finding 1"): K records none of which saw
// the others (all built on the same old record) each open a chain of the causal index
// (core/governance/causal-index.ts), and every vector after them is as wide as the chains there are. Kept
// flat, that was O(K²) memory (4,000 such records made a 92 MiB fold; ~60,000 would exhaust a node on every
// open). Vectors past 256 chains are now persistent, sharing all but what they change with a parent's.
// Side by side, the same number of records written one on top of the other. After each, the other member
// writes on top of what it holds (32 deps each, as hosts do) until one head is left, then as many records
// again. Printed: the fold's snapshot bytes, the memory the ledger holds (all of it, records included: V8's heap
// and what lies outside it, after a full GC), and the time to take the K records in and the records
// after them. Nothing is asserted. The gate no longer takes such records from one Yjs client
// (core/dao/client-sequence.ts), but a member can still write them from K clients or devices; here they go to
// the fold directly.
//
// Then floods that every record of a device used to ask about (its revocations; proposals to remove its member
// that never passed), against the host's lists of counting records.
//
// BENCH_CONCURRENT_SIZES (default 1000,4000,16000); BENCH_REVOCATION_FLOOD (default 4000; 0 skips); BENCH_RESIGNED (default 16000; 0 skips).
import { base64urlnopad } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { DaoLedger } from '../core/governance/dao-ledger.ts';
import { buildDeviceDelegation, buildDeviceRevocation, buildGenesis, buildInviteRevocation, buildProposal, buildVote, type RecordContext } from '../core/governance/record-builders.ts';
import { rulePresets } from '../core/governance/rules.ts';
import { memberKeyFromPrivateKey, type MemberKey } from '../core/identity/member-key.ts';
import { maxDeps, signRecordAsDevice, signRecordAsMember, type LedgerRecord } from '../core/ledger/record.ts';
import { createNativeEd25519Signer } from '../electron-main/host/native-ed25519.ts';
import { memoryHeld } from './memory-held.ts';
import { actor, day, Scenario, type Actor } from '../core/governance/test-dao.ts';

type Shape = 'one on top of another' | 'concurrent (old deps)';

type Figures = { shape: Shape; records: number; snapshotBytesPerRecord: number; foldMiB: number; memoryMiB: number; intakeMs: number; afterMs: number };

const start = Date.UTC(2026, 0, 1);

function member(name: string): MemberKey {
  return memberKeyFromPrivateKey(sha256(utf8ToBytes(`daomesh bench member ${name}`)));
}

type Founded = {
  ledger: DaoLedger;
  proposal: string;
  vote: (who: 0 | 1, deps: readonly string[], time: number, choice: 'yes' | 'no') => LedgerRecord;
  /** A record of `who`'s device that only hosts' own tables read (an invite revoked), and a revocation of that device by its member. */
  inviteRevocation: (who: 0 | 1, deps: readonly string[], time: number, invite: string) => LedgerRecord;
  deviceRevocation: (who: 0 | 1, deps: readonly string[], time: number) => LedgerRecord;
  /** A proposal by `who`'s device to remove the other member. */
  removal: (who: 0 | 1, deps: readonly string[], time: number) => LedgerRecord;
};

/** A DAO of two members, a proposal to vote on, and each member's delegated device; the records so far. */
function founded(): Founded {
  const members = [member('flooder'), member('honest')] as const;
  const genesis = signRecordAsMember(
    buildGenesis({ author: members[0].address, name: 'Bench', charter: '', founders: members.map((m) => m.address), rules: rulePresets.simpleMajority(2), nonce: new Uint8Array(16).fill(1), time: start }),
    members[0].privateKey,
  );
  const ledger = new DaoLedger(genesis.id);
  ledger.add(genesis);
  const devices = members.map((who, i) => {
    const keys = createNativeEd25519Signer(sha256(utf8ToBytes(`bench device ${i}`)));
    const delegation = signRecordAsMember(buildDeviceDelegation({ dao: genesis.id, author: who.address, deps: ledger.heads(), time: start + 1 + i }, keys.publicKey), who.privateKey);
    ledger.add(delegation);
    return { keys, delegation: delegation.id };
  });
  const context = (who: 0 | 1, deps: readonly string[], time: number): RecordContext => ({
    dao: genesis.id,
    author: members[who].address,
    deps,
    time,
    device: { key: devices[who]!.keys.publicKey, delegation: devices[who]!.delegation },
  });
  const sign = (who: 0 | 1, record: Parameters<typeof signRecordAsDevice>[0]) => signRecordAsDevice(record, (message) => devices[who]!.keys.sign(message));
  const proposal = sign(1, buildProposal(context(1, ledger.heads(), start + 10), { kind: 'signal', params: { text: '' }, title: 'bench' }));
  ledger.add(proposal);
  return {
    ledger,
    proposal: proposal.id,
    vote: (who, deps, time, choice) => sign(who, buildVote(context(who, deps, time), { proposal: proposal.id, choice })),
    inviteRevocation: (who, deps, time, invite) => sign(who, buildInviteRevocation(context(who, deps, time), invite)),
    deviceRevocation: (who, deps, time) => signRecordAsMember(buildDeviceRevocation({ ...context(who, deps, time), device: undefined }, devices[who]!.keys.publicKey), members[who].privateKey),
    removal: (who, deps, time) => sign(who, buildProposal(context(who, deps, time), { kind: 'member.remove', params: { member: members[1 - who]!.address }, title: `remove ${time}` })),
  };
}

/**
 * A member's device writes `count` records of a kind hosts keep tables of (revoked invites: every join asks),
 * then comes a flood of `count` records, none of which saw the others, all of which saw the device's records:
 * the member's revocations of that device, or the other member's proposals to remove the first, never passed.
 * Hosts make such lists again after every change to the DAO (electron-main/host/counting-records.ts); each
 * record's standing used to ask each of the flood (0.5-0.9 s a list for the revocations at 4,000 and 4,000;
 * 0.04-0.07 s for the removals). Side by side, the list before the flood. Returns the times in ms.
 */
function measureFlood(count: number, of: 'revocations' | 'removals'): { withFlood: number; without: number; intakeMs: number } {
  const timedList = (ledger: DaoLedger): number => {
    const began = performance.now();
    if (ledger.countingRecordsOf('invite.revoke').length !== count) throw new Error('the device records do not count');
    return performance.now() - began;
  };
  const { ledger, proposal, inviteRevocation, deviceRevocation, removal } = founded();
  let deps: readonly string[] = [proposal];
  const records: LedgerRecord[] = [];
  for (let i = 0; i < count; i++) {
    const record = inviteRevocation(0, deps, start + 20 + i, base64urlnopad.encode(sha256(utf8ToBytes(`invite ${i}`))));
    records.push(record);
    deps = [record.id];
  }
  ledger.add(records);
  const without = timedList(ledger);
  const flood = Array.from({ length: count }, (_, i) => (of === 'revocations' ? deviceRevocation(0, deps, start + 20 + count + i) : removal(1, deps, start + 20 + count + i)));
  const began = performance.now();
  ledger.add(flood);
  const intakeMs = performance.now() - began;
  // The first list after the flood looks at each once; a list after the next change, as a host makes it, is the second.
  timedList(ledger);
  return { withFlood: timedList(ledger), without, intakeMs };
}

// K re-signatures of one final certificate by a member's device (each valid: it anchors it again), then one more:
// the state() after it. Each signature's evidence used to ask every signature of the proposal (O(K²)).
function measureResigned(count: number): number {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], { ...rulePresets.simpleMajority(3), votingPeriodMs: day });
  scenario.delegateDevice(bob);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'bench' });
  scenario.vote(alice, proposal, 'yes');
  const proposed = scenario.advance(day + 1).ledger.proposeCertificate(proposal, scenario.now);
  if (!proposed.ok) throw new Error(proposed.problem);
  for (const who of [alice, carol]) scenario.signCertificate(who, proposed.certificate);
  const resign = () => scenario.advance(1).signCertificate(bob, proposed.certificate, { asDevice: true });
  for (let i = 0; i < count; i++) resign();
  scenario.state();
  resign();
  const began = performance.now();
  scenario.state();
  return performance.now() - began;
}

// K changed quadratic ballots by one member's device on one proposal, each on top of the last, taken in by a
// fresh ledger (BENCH_BALLOTS, default 16000; 0 skips). Each credit check used to scan all K (O(K²): 9 s at 16,000).
function measureBallots(count: number): number {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], { ...rulePresets.quadratic(3), votingPeriodMs: 30 * day });
  scenario.delegateDevice(bob);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'bench' });
  for (let i = 0; i < count; i++) scenario.advance(1).vote(bob, proposal, i % 2 ? 'yes' : 'no', { asDevice: true, votes: 1 + (i % 3) });
  const began = performance.now();
  new DaoLedger(scenario.daoId).add(scenario.records);
  return performance.now() - began;
}

// K records by one member's device dated a day ahead (held back, DaoLedger), then K ordinary records of another
// member added one at a time with the clock, as a host adds envelopes (BENCH_HELD, default 16000; 0 skips): the
// ordinary records' intake. Every add with a clock used to scan all held records (O(K²)).
function measureHeld(count: number): number {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(actor) as [Actor, Actor, Actor];
  const scenario = new Scenario([alice, bob, carol], { ...rulePresets.simpleMajority(3), votingPeriodMs: 30 * day });
  scenario.delegateDevice(bob);
  scenario.delegateDevice(alice);
  const proposal = scenario.propose(alice, { kind: 'signal', params: { text: '' }, title: 'bench' });
  const ahead: LedgerRecord[] = [];
  for (let i = 0; i < count; i++) ahead.push(scenario.vote(bob, proposal, 'yes', { asDevice: true, time: scenario.now + day + i, into: null }));
  scenario.ledger.add(ahead, scenario.now);
  const ordinary: LedgerRecord[] = [];
  for (let i = 0; i < count; i++) ordinary.push(scenario.advance(1).vote(alice, proposal, i % 2 ? 'yes' : 'no', { asDevice: true, into: null }));
  const began = performance.now();
  for (const record of ordinary) scenario.ledger.add(record, scenario.now);
  return performance.now() - began;
}

function measure(shape: Shape, count: number): Figures {
  const memoryBefore = memoryHeld();
  const { ledger, proposal, vote } = founded();
  // Signed before the clock starts: only the fold's intake is timed.
  const records: LedgerRecord[] = [];
  if (shape === 'one on top of another') {
    // Written one on top of the other, so each record's deps are the previous one.
    let deps: readonly string[] = [proposal];
    for (let i = 0; i < count; i++) {
      const record = vote(0, deps, start + 20 + i, i % 2 === 0 ? 'yes' : 'no');
      records.push(record);
      deps = [record.id];
    }
  } else {
    for (let i = 0; i < count; i++) records.push(vote(0, [proposal], start + 20 + i, i % 2 === 0 ? 'yes' : 'no'));
  }
  const began = performance.now();
  ledger.add(records);
  const intakeMs = performance.now() - began;
  // The honest member writes on top of what it holds, 32 heads at a time, until one head is left; then as many again.
  let time = start + 20 + count;
  let afterMs = 0;
  for (let written = 0; ledger.heads(2).length > 1 || written < count; written++) {
    const record = vote(1, ledger.heads(maxDeps), time++, 'yes');
    const adding = performance.now();
    ledger.add(record);
    afterMs += performance.now() - adding;
  }
  records.length = 0;
  const memoryMiB = (memoryHeld() - memoryBefore) / 2 ** 20;
  const fold = ledger.exportFold().length;
  return { shape, records: count, snapshotBytesPerRecord: fold / ledger.size, foldMiB: fold / 2 ** 20, memoryMiB, intakeMs, afterMs };
}

export function benchConcurrentRecords(sizes = (process.env.BENCH_CONCURRENT_SIZES ?? '1000,4000,16000').split(',').map(Number), print: (line: string) => void = console.log): Figures[] {
  const rows: Figures[] = [];
  for (const count of sizes) {
    for (const shape of ['one on top of another', 'concurrent (old deps)'] as const) {
      const row = measure(shape, count);
      rows.push(row);
      print(
        `${String(count).padStart(6)} records ${shape.padEnd(22)}  fold snapshot ${row.snapshotBytesPerRecord.toFixed(0).padStart(5)} B/record (${row.foldMiB.toFixed(1).padStart(5)} MiB)   memory ${row.memoryMiB.toFixed(1).padStart(6)} MiB   intake ${(row.intakeMs / 1000).toFixed(2)} s, then ${(row.afterMs / 1000).toFixed(2)} s for the records after`,
      );
    }
  }
  const flood = Number(process.env.BENCH_REVOCATION_FLOOD ?? 4000);
  if (flood > 0) {
    for (const [of, what] of [
      ['revocations', 'concurrent revocations of it that saw them'],
      ['removals', "proposals by the other member to remove its member, never passed"],
    ] as const) {
      const figures = measureFlood(flood, of);
      print(
        `${String(flood).padStart(6)} records of one device, then as many ${what} (intake ${(figures.intakeMs / 1000).toFixed(2)} s): ` +
          `a host's list of the counting ones ${figures.withFlood.toFixed(1)} ms, against ${figures.without.toFixed(1)} ms before them`,
      );
    }
  }
  const resigned = Number(process.env.BENCH_RESIGNED ?? 16000);
  if (resigned > 0) print(`${String(resigned).padStart(6)} re-signatures of one certificate by one member: state() after one more ${measureResigned(resigned).toFixed(1)} ms`);
  const ballots = Number(process.env.BENCH_BALLOTS ?? 16000);
  if (ballots > 0) print(`${String(ballots).padStart(6)} changed quadratic ballots by one member, each on the last: intake ${(measureBallots(ballots) / 1000).toFixed(2)} s`);
  const held = Number(process.env.BENCH_HELD ?? 16000);
  if (held > 0) print(`${String(held).padStart(6)} records held for claiming a time a day ahead, then as many ordinary ones added one by one: intake ${(measureHeld(held) / 1000).toFixed(2)} s`);
  return rows;
}

if (import.meta.main) benchConcurrentRecords();
