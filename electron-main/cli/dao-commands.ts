// `daomesh dao …`, `daomesh proposal …` (the rules.change options are in rules-options.ts), `daomesh vote`, `daomesh tally sign`, `daomesh rage-quit`.
import { Option, type Command } from 'commander';
import { maxNewDaoPeriodMs, type DaoRulesView, type DaoView, type ExitView, type ProposalParams, type ProposalView, type RulePreset, type VotingModeView } from '../../core/bridge/api.ts';
import { DaomeshError } from '../../core/errors.ts';
import type { ApiClient } from '../host/api-client.ts';
import { formatDuration } from './duration.ts';
import { durationOption, wholeNumberOption, type DurationBound } from './number-options.ts';
import { kindVotingOption, votingByKindAfter, type KindVoting } from './kind-voting-option.ts';
import { addRuleOptions, parseRulesEdit, ruleFlagsGiven, rulesChange, type RuleOptionTexts } from './rules-options.ts';
import { terminalLine } from './terminal-text.ts';

/** The longest voting or grace period a new DAO takes (the bridge's dao.create bound). */
const ninetyDays: DurationBound = { ms: maxNewDaoPeriodMs, words: '90d' };

export type CliContext = {
  json: (command: Command) => boolean;
  withApi: <T>(command: Command, use: (api: ApiClient) => Promise<T>) => Promise<T>;
  print: (json: boolean, value: unknown, human: string) => void;
};

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function describeProposal(proposal: ProposalView): string {
  const tally = `yes ${proposal.tally.yes} · no ${proposal.tally.no} · abstain ${proposal.tally.abstain}`;
  return `${proposal.id}  [${proposal.status}] ${proposal.kind}: ${terminalLine(proposal.title)}  (${tally}; ${terminalLine(proposal.tally.reason)})`;
}

/** `1 proposal`, `2 proposals`. */
function counted(count: number, noun: string): string {
  return `${count} ${count === 1 ? noun : `${noun}s`}`;
}

const splitWords = { equal: 'equally', shares: 'by shares', reputation: 'by reputation' } as const satisfies Record<DaoView['rules']['income']['split'], string>;

function describeVoting(mode: VotingModeView): string {
  if (mode.votingMode === 'lazy') return `lazy (rejected once ${mode.objectionBps / 100}% of members object)`;
  const credits = mode.votingMode === 'quadratic' ? `, ${mode.creditsPerEpoch} credits per ${formatDuration(mode.epochMs)}` : '';
  return `${mode.votingMode} (quorum ${mode.quorumBps / 100}%, threshold ${mode.thresholdBps / 100}%${credits})`;
}

/** A claim on the books in words: `33.33% of the books (100 of 300 shares)`. */
function describeClaim(exit: ExitView): string {
  return `${exit.claimBps / 100}% of the books (${exit.shares} of ${exit.totalShares} shares)`;
}

/** Which ignored records a page of `dao evidence` shows, and how to ask for the next: `records 101 to 200 of 250; --offset 200 for the next`. */
export function describeEvidencePage(offset: number, shown: number, total: number): string {
  if (shown === 0) return `no ignored records from number ${offset + 1} on: the DAO ignores ${total} in all`;
  if (offset === 0 && shown === total) return total === 1 ? '1 ignored record' : `all ${total} ignored records`;
  const which = shown === 1 ? `ignored record ${offset + 1}` : `ignored records ${offset + 1} to ${offset + shown}`;
  const rest = offset + shown < total ? `; --offset ${offset + shown} for the next` : '';
  return `${which} of ${total}${rest}`;
}

function describeExit(exit: ExitView): string {
  const how = exit.reason === 'ragequit' ? 'rage quit' : 'removed';
  const grace = exit.duringGraceOf.length === 0 ? '' : `, in the grace period of ${exit.duringGraceOf.join(', ')}`;
  return `  left ${new Date(exit.at).toISOString()}: ${exit.member}  ${how}, claim ${describeClaim(exit)}${grace}`;
}

/** The signatures a result needs now, and the rule when the members outgrew it (or it them). */
function describeSignatures(dao: DaoView): string {
  const needed = `${dao.signaturesNeeded} ${dao.signaturesNeeded === 1 ? 'signature' : 'signatures'}`;
  return dao.signaturesNeeded === dao.rules.signatureThreshold ? needed : `${needed} (the rule says ${dao.rules.signatureThreshold}; a result always needs more than half of the members, and at most all)`;
}

/** A passed removal of this member not yet in effect here (DaoView.myRemoval). */
function describeMyRemoval(removal: DaoView['myRemoval']): string[] {
  if (removal === null) return [];
  if (removal.executesAt !== null && Date.now() < removal.executesAt) {
    return [`  a proposal to remove you passed (${removal.proposal}); it takes effect ${new Date(removal.executesAt).toISOString()}: until then only a rage quit of yours counts`];
  }
  return [`  a proposal to remove you passed (${removal.proposal}) and its time has come: the others count you removed once one of them writes, and nothing you write counts`];
}

function describeDao(dao: DaoView): string {
  const { rules } = dao;
  const byKind = Object.entries(rules.votingByKind).map(([kind, mode]) => `  ${kind} votes: ${describeVoting(mode)}`);
  return [
    `${terminalLine(dao.name)} (${dao.id})`,
    `  members ${dao.memberCount}/${rules.memberCap}${dao.nearCap ? ' — near the cap: consider a sub-DAO or an alliance' : ''}`,
    `  voting: ${describeVoting(rules)}, period ${formatDuration(rules.votingPeriodMs)}, grace ${formatDuration(rules.gracePeriodMs)}, a result is final with ${describeSignatures(dao)}`,
    ...byKind,
    `  reputation: ${rules.reputationHalfLifeMs === null ? 'does not fade' : `halves every ${formatDuration(rules.reputationHalfLifeMs)}`}`,
    `  income: ${rules.income.treasuryBps / 100}% to the treasury, rest split ${splitWords[rules.income.split]}`,
    ...describeMyRemoval(dao.myRemoval),
    ...dao.members.map((member) => `  ${member.address}  shares ${member.shares}  reputation ${member.reputation}`),
    ...dao.exits.map(describeExit),
    `  ${counted(dao.proposals.length, 'proposal')}, ${counted(dao.evidenceTotal, 'ignored record')}${dao.evidenceTotal > 0 ? ' (`daomesh dao evidence` lists them)' : ''}, state ${dao.stateHash}`,
  ].join('\n');
}

type DaoCreateOptions = {
  name: string;
  charter: string;
  preset: RulePreset;
  founder: string[];
  memberCap?: number;
  votingPeriod?: number;
  gracePeriod?: number;
  kindVoting?: KindVoting;
};

type ProposalCreateOptions = RuleOptionTexts & { kind: ProposalParams['kind']; title: string; member?: string; shares: number; points?: number; text: string };

/** The options each kind takes beside --title; another kind refuses them rather than drop them unseen. */
const kindOptions: Record<string, { flag: string; kinds: readonly ProposalParams['kind'][] }> = {
  member: { flag: '--member', kinds: ['member.add', 'member.remove', 'reputation.grant'] },
  shares: { flag: '--shares', kinds: ['member.add'] },
  points: { flag: '--points', kinds: ['reputation.grant'] },
  text: { flag: '--text', kinds: ['signal'] },
};

function refuseOtherKindsOptions(kind: ProposalParams['kind'], command: Command): void {
  const stray = Object.entries(kindOptions).filter(([name, { kinds }]) => command.getOptionValueSource(name) === 'cli' && !kinds.includes(kind));
  if (stray.length === 0) return;
  const flags = stray.map(([, { flag }]) => flag);
  const [, first] = stray[0]!;
  const kinds = first.kinds.length < 2 ? first.kinds[0] : `${first.kinds.slice(0, -1).join(', ')} or ${first.kinds.at(-1)}`;
  throw new DaomeshError('BAD_REQUEST', `A ${kind} proposal takes no ${flags.join(', ')}.`, `${first.flag} goes with --kind ${kinds}; leave it out here.`);
}

/** The params of the kinds that need no look at the DAO (all but rules.change). */
function proposalParams(options: ProposalCreateOptions): ProposalParams {
  const need = (value: string | number | undefined, flag: string): never | string | number => {
    if (value === undefined) throw new DaomeshError('BAD_REQUEST', `A ${options.kind} proposal needs ${flag}.`);
    return value;
  };
  return options.kind === 'member.add'
    ? { kind: 'member.add', member: String(need(options.member, '--member')), shares: options.shares }
    : options.kind === 'member.remove'
      ? { kind: 'member.remove', member: String(need(options.member, '--member')) }
      : options.kind === 'reputation.grant'
        ? { kind: 'reputation.grant', member: String(need(options.member, '--member')), points: Number(need(options.points, '--points')) }
        : { kind: 'signal', text: options.text };
}

async function findProposal(api: ApiClient, dao: string, proposal: string): Promise<{ view: DaoView; found: ProposalView }> {
  const view = await api.call('dao.get', { dao });
  const found = view.proposals.find((candidate) => candidate.id === proposal);
  if (!found) throw new DaomeshError('PROPOSAL_NOT_FOUND', `The DAO has no proposal ${proposal}.`);
  return { view, found };
}

/** Each rule in words, as `dao show` words it, with the rules (bridge keys) it stands for. */
function ruleWords(rules: DaoRulesView): Array<{ rule: string; words: string; keys: ReadonlyArray<keyof DaoRulesView> }> {
  const kinds = Object.entries(rules.votingByKind).sort(([a], [b]) => a.localeCompare(b));
  return [
    { rule: 'voting', words: describeVoting(rules), keys: ['votingMode', 'quorumBps', 'thresholdBps', 'objectionBps', 'creditsPerEpoch', 'epochMs'] },
    { rule: 'voting period', words: formatDuration(rules.votingPeriodMs), keys: ['votingPeriodMs'] },
    { rule: 'grace period', words: formatDuration(rules.gracePeriodMs), keys: ['gracePeriodMs'] },
    { rule: 'member cap', words: String(rules.memberCap), keys: ['memberCap'] },
    { rule: 'signatures for a final result', words: String(rules.signatureThreshold), keys: ['signatureThreshold'] },
    { rule: 'reputation', words: rules.reputationHalfLifeMs === null ? 'does not fade' : `halves every ${formatDuration(rules.reputationHalfLifeMs)}`, keys: ['reputationHalfLifeMs'] },
    { rule: 'treasury share of income', words: `${rules.income.treasuryBps / 100}%`, keys: ['income'] },
    { rule: 'rest of income', words: `split ${splitWords[rules.income.split]}`, keys: ['income'] },
    ...kinds.map(([kind, mode]) => ({ rule: `${kind} votes`, words: describeVoting(mode), keys: ['votingByKind'] as const })),
  ];
}

/** What a rules change changes, from the rules in force now: `  voting period: 3d → 1h`, one line a rule. */
function describeRuleChanges(now: DaoRulesView, after: DaoRulesView): string[] {
  const before = new Map(ruleWords(now).map((entry) => [entry.rule, entry.words]));
  const next = new Map(ruleWords(after).map((entry) => [entry.rule, entry.words]));
  const changed = [...new Set([...before.keys(), ...next.keys()])].filter((rule) => before.get(rule) !== next.get(rule));
  // A kind with no mode of its own votes in the DAO's mode.
  const words = (map: Map<string, string>, rule: string) => map.get(rule) ?? "the DAO's mode";
  return changed.map((rule) => `  ${rule}: ${words(before, rule)} → ${words(next, rule)}`);
}

/** The rules a change in effect set, with their values: the rules before it are not kept, so it is compared with nothing. */
function describeRulesSet(rules: DaoRulesView, named: Partial<DaoRulesView>): string[] {
  const keys = Object.keys(named);
  const set = ruleWords({ ...rules, ...named }).filter((entry) => entry.keys.some((key) => keys.includes(key)));
  const lines = set.map((entry) => `  ${entry.rule}: ${entry.words}`);
  if (named.votingByKind !== undefined && Object.keys(named.votingByKind).length === 0) lines.push("  every kind votes in the DAO's mode");
  return lines;
}

/** `proposal show`'s lines on what the proposal does, beyond its one-line summary (none for a signal without text). */
export function describeEffect(view: DaoView, proposal: ProposalView): string[] {
  if (proposal.params?.kind !== 'rules.change') return proposal.summary === '' ? [] : [`  ${terminalLine(proposal.summary)}`];
  if (proposal.status === 'executed') return ['  set these rules:', ...describeRulesSet(view.rules, proposal.params.rules)];
  const changes = describeRuleChanges(view.rules, { ...view.rules, ...proposal.params.rules });
  if (changes.length === 0) return ['  would change nothing from the rules in force now'];
  const notes: string[] = [];
  // Decay is worked out from the grants' times under the rule in force: a new half-life re-weighs every grant.
  if (proposal.params.rules.reputationHalfLifeMs !== undefined) notes.push('  note: a new half-life applies to all reputation, past grants too: the points members hold change at once');
  // Each change applies on top of the rules in force when it takes effect, so another one passing first changes the outcome.
  const others = view.proposals.filter((other) => other.id !== proposal.id && other.kind === 'rules.change' && ['open', 'closed', 'passed'].includes(other.status));
  if (others.length > 0) notes.push(`  note: ${counted(others.length, 'other rules change')} ${others.length === 1 ? 'is' : 'are'} pending (${others.map((other) => other.id).join(', ')}): each applies on top of the rules in force when it takes effect`);
  return ['  changes the rules, from those in force now:', ...changes, ...notes];
}

/** The options that set the voting numbers a failed rules change may name. */
const votingNumberFlags: Record<string, string> = { quorumBps: '--quorum', thresholdBps: '--threshold', objectionBps: '--objection', creditsPerEpoch: '--credits-per-epoch', epochMs: '--epoch' };

/** A failure as the CLI words things: a voting number a rules change named goes by its option. */
function failureWords(failure: string): string {
  return failure.replace(/^(\w+)(?= does not apply to the voting mode in force)/, (rule) => votingNumberFlags[rule] ?? rule);
}

/** A final result counts the members who signed it; one still open, how many more it needs now. */
function describeCertificate(certificate: ProposalView['certificate']): string {
  if (certificate === null) return '  certificate: none yet';
  if (certificate.final) return `  certificate: final, signed by ${counted(certificate.signatures, 'member')}`;
  return `  certificate: ${certificate.signatures}/${certificate.needed} signatures`;
}

/** Under lazy consensus, the objections so far against those that reject: `objections: 1 of the 3 that reject (20% of 12 members)`. */
function describeObjections(proposal: ProposalView): string[] {
  const objections = proposal.tally.objections;
  if (objections === null) return [];
  return [`  objections: ${proposal.tally.no} of the ${objections.toReject} that reject (${objections.objectionBps / 100}% of ${counted(objections.electorate, 'member')})`];
}

/** This member's ballot, and under quadratic voting the credits it may cost. */
function describeMyBallot(proposal: ProposalView): string[] {
  const lines: string[] = [];
  if (proposal.myVote !== null) lines.push(`  your vote: ${proposal.myVote.choice}${proposal.votingMode === 'quadratic' && proposal.myVote.choice !== 'abstain' ? ` (${counted(proposal.myVote.votes, 'vote')})` : ''}`);
  if (proposal.myCredits !== null) lines.push(`  credits your ballot here may cost: ${proposal.myCredits} (n votes cost n²)`);
  return lines;
}

export function addDaoCommands(program: Command, cli: CliContext): void {
  const dao = program.command('dao').description('create, list and show DAOs');

  dao
    .command('create')
    .description('found a DAO (you are a founder; add others with --founder)')
    .requiredOption('--name <name>', 'the DAO name')
    .option('--charter <text>', 'what the DAO is for', '')
    .addOption(
      new Option('--preset <preset>', 'rule preset').choices(['simple-majority', 'supermajority', 'quadratic', 'reputation-weighted', 'lazy-consensus']).default('simple-majority'),
    )
    .option('--founder <address>', 'another founder, repeatable', collect, [])
    // The number options take the bounds of the bridge's params (core/bridge/api.ts), refused here naming the option.
    .addOption(wholeNumberOption('--member-cap <n>', 'most members (default 15: small on purpose)', { min: 2, max: 100 }))
    .addOption(durationOption('--voting-period <duration>', 'how long votes stay open (e.g. 3d, 2h; 1s to 90d)', { ms: 1000, words: '1s' }, ninetyDays))
    .addOption(durationOption('--grace-period <duration>', 'time between passing and taking effect (e.g. 1d; 0 to 90d)', { ms: 0, words: '0s' }, ninetyDays))
    .addOption(kindVotingOption('a proposal kind that votes in a preset of its own, e.g. member.remove=supermajority; repeatable'))
    .action(async (options: DaoCreateOptions, command: Command) => {
      const votingByKind = options.kindVoting === undefined ? {} : votingByKindAfter(options.kindVoting);
      const result = await cli.withApi(command, (api) =>
        api.call('dao.create', {
          name: options.name,
          charter: options.charter,
          preset: options.preset,
          founders: options.founder,
          ...(options.memberCap === undefined ? {} : { memberCap: options.memberCap }),
          ...(options.votingPeriod === undefined ? {} : { votingPeriodMs: options.votingPeriod }),
          ...(options.gracePeriod === undefined ? {} : { gracePeriodMs: options.gracePeriod }),
          ...(Object.keys(votingByKind).length === 0 ? {} : { votingByKind }),
        }),
      );
      cli.print(cli.json(command), result, `created DAO ${result.dao}`);
    });

  dao
    .command('list')
    .description('the DAOs this node holds')
    .action(async (_options, command: Command) => {
      const [daos, unopenable] = await cli.withApi(command, (api) => Promise.all([api.call('dao.list', {}), api.call('dao.unopenable', {})]));
      // Said on stderr, so that the list on stdout (and --json) keeps its shape.
      for (const { message, hint } of unopenable) process.stderr.write(`daomesh: ${terminalLine(message)}${hint === undefined ? '' : `\n  ${terminalLine(hint)}`}\n`);
      cli.print(
        cli.json(command),
        daos,
        daos.length === 0
          ? unopenable.length === 0
            ? 'no DAOs yet: `daomesh dao create --name …`'
            : `no DAO that opens: ${counted(unopenable.length, 'DAO')} here could not be opened (above)`
          : daos
              .map((entry) => {
                const toSign = entry.resultsToSign > 0 ? `  ${counted(entry.resultsToSign, 'result')} to sign (\`daomesh tally sign\`)` : '';
                return `${entry.id}  ${terminalLine(entry.name)}  ${entry.members}/${entry.memberCap} members  ${entry.openProposals} open${toSign}`;
              })
              .join('\n'),
      );
    });

  dao
    .command('show <dao>')
    .description('rules, members with shares and reputation, who left with what claim, proposals')
    .action(async (id: string, _options, command: Command) => {
      const view = await cli.withApi(command, (api) => api.call('dao.get', { dao: id }));
      cli.print(cli.json(command), view, describeDao(view));
    });

  dao
    .command('evidence <dao>')
    .description('the records the DAO ignores, with why (in canonical order)')
    .addOption(wholeNumberOption('--offset <n>', 'skip this many first', { min: 0, max: 1_000_000_000 }).default(0))
    .addOption(wholeNumberOption('--limit <n>', 'list at most this many', { min: 1, max: 1000 }).default(100))
    .option('--all', 'list them all (asked for 1,000 at a time)')
    .action(async (id: string, options: { offset: number; limit: number; all?: boolean }, command: Command) => {
      if (options.all && command.getOptionValueSource('limit') === 'cli') throw new DaomeshError('BAD_REQUEST', '--all lists every ignored record: it takes no --limit.', 'Leave out one of them.');
      const page = await cli.withApi(command, async (api) => {
        if (!options.all) return await api.call('dao.evidence', { dao: id, offset: options.offset, limit: options.limit });
        const first = await api.call('dao.evidence', { dao: id, offset: options.offset, limit: 1000 });
        const evidence = [...first.evidence];
        while (first.offset + evidence.length < first.total) {
          const next = await api.call('dao.evidence', { dao: id, offset: first.offset + evidence.length, limit: 1000 });
          if (next.evidence.length === 0) break; // the DAO changed meanwhile
          evidence.push(...next.evidence);
        }
        return { ...first, evidence };
      });
      const lines = page.evidence.map((entry) => `${entry.recordId}  ${entry.kind}  ${entry.author}  ${terminalLine(entry.reason)}`);
      cli.print(cli.json(command), page, page.total === 0 ? 'the DAO ignores no records' : [...lines, `(${describeEvidencePage(page.offset, page.evidence.length, page.total)})`].join('\n'));
    });

  dao
    .command('members <dao>')
    .description('members with shares and reputation')
    .action(async (id: string, _options, command: Command) => {
      const view = await cli.withApi(command, (api) => api.call('dao.get', { dao: id }));
      const lines = view.members.map((member) => `${member.address}  shares ${member.shares}  reputation ${member.reputation}`);
      cli.print(cli.json(command), view.members, lines.length === 0 ? 'no members: everyone has left or been removed' : lines.join('\n'));
    });

  const proposal = program.command('proposal').description('create, list, show and withdraw proposals');

  const createProposal = proposal
    .command('create <dao>')
    .description('make a proposal')
    .addOption(new Option('--kind <kind>', 'what it decides').choices(['member.add', 'member.remove', 'reputation.grant', 'rules.change', 'signal']).default('signal'))
    .requiredOption('--title <title>', 'a short title')
    .option('--member <address>', 'member.add, member.remove, reputation.grant: who')
    .addOption(wholeNumberOption('--shares <n>', 'member.add: shares of the new member', { min: 0, max: 1_000_000 }).default(100))
    .addOption(wholeNumberOption('--points <n>', 'reputation.grant: points', { min: 1, max: 1_000_000 }))
    .option('--text <text>', 'signal: the text', '');
  addRuleOptions(createProposal)
    .action(async (id: string, options: ProposalCreateOptions, command: Command) => {
      refuseOtherKindsOptions(options.kind, command);
      const ruleFlags = ruleFlagsGiven(options);
      if (options.kind !== 'rules.change' && ruleFlags.length > 0) {
        throw new DaomeshError('BAD_REQUEST', `Rule options go only with --kind rules.change, not ${options.kind}: ${ruleFlags.join(', ')}.`, 'Add --kind rules.change, or leave them out.');
      }
      // Checked before the node is asked; the rules in force complete the change.
      const edit = options.kind === 'rules.change' ? parseRulesEdit(options) : null;
      const result = await cli.withApi(command, async (api) => {
        const params: ProposalParams = edit ? { kind: 'rules.change', rules: rulesChange(edit, (await api.call('dao.get', { dao: id })).rules) } : proposalParams(options);
        return await api.call('dao.propose', { dao: id, title: options.title, params });
      });
      cli.print(cli.json(command), result, `proposal ${result.proposal}`);
    });

  proposal
    .command('list <dao>')
    .description('proposals with status and tally')
    .action(async (id: string, _options, command: Command) => {
      const view = await cli.withApi(command, (api) => api.call('dao.get', { dao: id }));
      cli.print(cli.json(command), view.proposals, view.proposals.length === 0 ? 'no proposals' : view.proposals.map(describeProposal).join('\n'));
    });

  proposal
    .command('show <dao> <proposal>')
    .description('one proposal: status, deadlines, tally, certificate')
    .action(async (id: string, proposalId: string, _options, command: Command) => {
      const { view, found } = await cli.withApi(command, (api) => findProposal(api, id, proposalId));
      const lines = [
        describeProposal(found),
        ...describeEffect(view, found),
        ...(found.voting === null ? [] : [`  votes by: ${describeVoting(found.voting)}`]),
        ...describeObjections(found),
        ...(found.failure === null ? [] : [`  could not take effect: ${terminalLine(failureWords(found.failure))}`]),
        `  voting ends ${new Date(found.votingEndsAt).toISOString()}${found.executesAt ? `, executes ${new Date(found.executesAt).toISOString()}` : ''}`,
        describeCertificate(found.certificate),
        ...describeMyBallot(found),
      ];
      cli.print(cli.json(command), found, lines.join('\n'));
    });

  proposal
    .command('withdraw <dao> <proposal>')
    .description('withdraw your own proposal while it is open')
    .action(async (id: string, proposalId: string, _options, command: Command) => {
      const result = await cli.withApi(command, (api) => api.call('dao.withdraw', { dao: id, proposal: proposalId }));
      cli.print(cli.json(command), result, `withdrawn (${result.record})`);
    });

  program
    .command('vote <dao> <proposal> <choice>')
    .description('vote yes, no or abstain (again to change your vote while open)')
    .addOption(wholeNumberOption('--votes <n>', 'quadratic voting: votes to cast (costs n² credits)', { min: 1, max: 1000 }))
    .action(async (id: string, proposalId: string, choice: string, options: { votes?: number }, command: Command) => {
      if (choice !== 'yes' && choice !== 'no' && choice !== 'abstain') throw new DaomeshError('BAD_REQUEST', `Vote yes, no or abstain, not ${choice}.`);
      const result = await cli.withApi(command, (api) =>
        api.call('dao.vote', { dao: id, proposal: proposalId, choice, ...(options.votes === undefined ? {} : { votes: options.votes }) }),
      );
      cli.print(cli.json(command), result, `voted ${choice} (${result.record})`);
    });

  program
    .command('tally')
    .description('tally certificates')
    .command('sign <dao> <proposal>')
    .description('sign the result of a proposal whose voting period is over')
    .action(async (id: string, proposalId: string, _options, command: Command) => {
      const result = await cli.withApi(command, (api) => api.call('dao.signTally', { dao: id, proposal: proposalId }));
      cli.print(cli.json(command), result, `signed the result (${result.record})`);
    });

  program
    .command('rage-quit <dao>')
    .description('leave the DAO now with your share of the books (cannot be undone)')
    .option('--yes', 'confirm')
    .action(async (id: string, options: { yes?: boolean }, command: Command) => {
      if (!options.yes) throw new DaomeshError('BAD_REQUEST', 'Rage quit cannot be undone.', 'Run it again with --yes to confirm.');
      const result = await cli.withApi(command, (api) => api.call('dao.rageQuit', { dao: id }));
      const claim = result.exit === null ? '' : ` with a claim on ${describeClaim(result.exit)}`;
      cli.print(cli.json(command), result, `left the DAO (${result.record})${claim}`);
    });
}
