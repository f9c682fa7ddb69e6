// Translation keys (and badge colours) for the names the bridge uses: proposal kinds, statuses, voting
// modes, rule presets and sync states. Kept in one place so every screen calls a thing by the same name.
import type { MantineColor } from '@mantine/core';
import type { DaoRulesView, DaoSyncStatus, ProposalKind, ProposalView, RulePreset } from '../../../core/bridge/api.ts';

type VotingMode = DaoRulesView['votingMode'];
type ProposalStatus = ProposalView['status'];
type SyncState = DaoSyncStatus['state'];

export const proposalKinds: readonly ProposalKind[] = ['member.add', 'member.remove', 'reputation.grant', 'rules.change', 'signal'];

export const kindLabel = {
  'member.add': 'proposal.kinds.memberAdd',
  'member.remove': 'proposal.kinds.memberRemove',
  'rules.change': 'proposal.kinds.rulesChange',
  'reputation.grant': 'proposal.kinds.reputationGrant',
  signal: 'proposal.kinds.signal',
} as const satisfies Record<ProposalKind, string>;

export const statusLabel = {
  open: 'proposal.status.open',
  closed: 'proposal.status.closed',
  passed: 'proposal.status.passed',
  rejected: 'proposal.status.rejected',
  executed: 'proposal.status.executed',
  failed: 'proposal.status.failed',
  withdrawn: 'proposal.status.withdrawn',
} as const satisfies Record<ProposalStatus, string>;

export const statusColor: Record<ProposalStatus, MantineColor> = {
  open: 'indigo',
  closed: 'yellow',
  passed: 'teal',
  rejected: 'red',
  executed: 'green',
  failed: 'orange',
  withdrawn: 'gray',
};

export const votingModes: readonly VotingMode[] = ['majority', 'reputation', 'quadratic', 'lazy'];

export const modeLabel = {
  majority: 'dao.modes.majority',
  reputation: 'dao.modes.reputation',
  quadratic: 'dao.modes.quadratic',
  lazy: 'dao.modes.lazy',
} as const satisfies Record<VotingMode, string>;

export const rulePresets: readonly RulePreset[] = ['simple-majority', 'supermajority', 'quadratic', 'reputation-weighted', 'lazy-consensus'];

export const presetLabel = {
  'simple-majority': { name: 'dao.presets.simpleMajority.name', explanation: 'dao.presets.simpleMajority.explanation' },
  supermajority: { name: 'dao.presets.supermajority.name', explanation: 'dao.presets.supermajority.explanation' },
  quadratic: { name: 'dao.presets.quadratic.name', explanation: 'dao.presets.quadratic.explanation' },
  'reputation-weighted': { name: 'dao.presets.reputationWeighted.name', explanation: 'dao.presets.reputationWeighted.explanation' },
  'lazy-consensus': { name: 'dao.presets.lazyConsensus.name', explanation: 'dao.presets.lazyConsensus.explanation' },
} as const satisfies Record<RulePreset, { name: string; explanation: string }>;

export const syncStateLabel = {
  'in-sync': { name: 'dao.sync.inSync', hint: 'dao.sync.inSyncHint' },
  syncing: { name: 'dao.sync.syncing', hint: 'dao.sync.syncingHint' },
  offline: { name: 'dao.sync.offline', hint: 'dao.sync.offlineHint' },
  left: { name: 'dao.sync.left', hint: 'dao.sync.leftHint' },
} as const satisfies Record<SyncState | 'left', { name: string; hint: string }>;

export const syncStateColor: Record<SyncState | 'left', MantineColor> = {
  'in-sync': 'teal',
  syncing: 'blue',
  offline: 'gray',
  left: 'gray',
};
