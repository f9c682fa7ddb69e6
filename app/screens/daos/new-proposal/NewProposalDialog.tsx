// A new proposal of any kind: pick the kind, give it a title, fill in what that kind needs. The host signs
// it and the member lands on the proposal, where the vote starts.
import { Autocomplete, Button, Group, Modal, NumberInput, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView, ProposalKind } from '../../../../core/bridge/api.ts';
import { DaomeshError } from '../../../../core/errors.ts';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { useHostCall } from '../../../components/use-host-call.ts';
import { kindLabel, proposalKinds } from '../dao-labels.ts';
import { checkProposal, emptyProposalDraft, type ProposalDraft, type ProposalProblems } from './proposal-form.ts';
import { RulesChangeFields } from './RulesChangeFields.tsx';

const kindExplanation = {
  'member.add': 'proposal.kindExplanations.memberAdd',
  'member.remove': 'proposal.kindExplanations.memberRemove',
  'rules.change': 'proposal.kindExplanations.rulesChange',
  'reputation.grant': 'proposal.kindExplanations.reputationGrant',
  signal: 'proposal.kindExplanations.signal',
} as const satisfies Record<ProposalKind, string>;

export interface NewProposalDialogProps {
  dao: DaoView;
  onClose: () => void;
  onCreated: (proposal: string) => void;
  /** The kind the form opens on (the invite dialog opens it on member.add); a signal otherwise. */
  initialKind?: ProposalKind;
  /** Fields the form opens filled in (a proposal made from a draft). */
  initial?: Partial<Pick<ProposalDraft, 'kind' | 'title' | 'text'>>;
}

export function NewProposalDialog({ dao, onClose, onCreated, initialKind, initial }: NewProposalDialogProps) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [draft, setDraft] = useState<ProposalDraft>(() => ({ ...emptyProposalDraft(dao.rules), ...(initialKind ? { kind: initialKind } : {}), ...initial }));
  const [problems, setProblems] = useState<ProposalProblems>({});
  const { busy, hostError, setHostError, refocus: submitButton, run } = useHostCall<HTMLButtonElement>();

  function edit<K extends keyof ProposalDraft>(field: K, value: ProposalDraft[K]): void {
    setDraft((current) => ({ ...current, [field]: value }));
    setProblems((current) => ({ ...current, [field]: undefined, unchanged: undefined }));
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const checked = checkProposal(draft, dao.rules);
    setProblems(checked.problems);
    setHostError(checked.invalid ? new DaomeshError('BAD_REQUEST', checked.invalid) : null);
    const { params, title } = checked;
    if (!params) return;
    // On a refusal the focus goes back to the submit button, beside the error.
    await run(async () => {
      const { proposal } = await bridge.call('dao.propose', { dao: dao.id, title, params });
      onClose();
      onCreated(proposal);
    });
  }

  const memberError = problems.member ? t(problems.member) : undefined;
  const memberAddresses = dao.members.map((member) => member.address);

  return (
    <Modal opened onClose={busy ? () => {} : onClose} title={t('proposal.form.title')} size="lg" centered>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="md">
          <Select<ProposalKind>
            label={t('proposal.form.kind')}
            description={t(kindExplanation[draft.kind])}
            data={proposalKinds.map((kind) => ({ value: kind, label: t(kindLabel[kind]) }))}
            value={draft.kind}
            onChange={(kind) => kind && edit('kind', kind)}
            allowDeselect={false}
            disabled={busy}
            comboboxProps={{ withinPortal: true }}
            data-testid="proposal-kind"
          />
          <TextInput
            label={t('proposal.form.titleLabel')}
            placeholder={t('proposal.form.titlePlaceholder')}
            value={draft.title}
            onChange={(event) => edit('title', event.currentTarget.value)}
            error={problems.title ? t(problems.title) : undefined}
            withAsterisk
            disabled={busy}
            data-autofocus
            data-testid="proposal-title"
          />

          {draft.kind === 'member.add' && (
            <TextInput
              label={t('proposal.form.newMember')}
              placeholder="0x…"
              value={draft.member}
              onChange={(event) => edit('member', event.currentTarget.value)}
              error={memberError}
              withAsterisk
              spellCheck={false}
              autoComplete="off"
              disabled={busy}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              data-testid="proposal-member"
            />
          )}
          {(draft.kind === 'member.remove' || draft.kind === 'reputation.grant') && (
            <Autocomplete
              label={t('proposal.form.member')}
              placeholder="0x…"
              data={memberAddresses}
              value={draft.member}
              onChange={(member) => edit('member', member)}
              error={memberError}
              withAsterisk
              spellCheck={false}
              autoComplete="off"
              disabled={busy}
              comboboxProps={{ withinPortal: true }}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              data-testid="proposal-member"
            />
          )}
          {draft.kind === 'member.add' && (
            <NumberInput
              label={t('proposal.form.shares')}
              description={t('proposal.form.sharesDescription')}
              value={draft.shares}
              onChange={(shares) => edit('shares', shares)}
              error={problems.shares ? t(problems.shares) : undefined}
              min={0}
              max={1_000_000}
              allowDecimal={false}
              styles={{ wrapper: { maxWidth: 220 } }}
              disabled={busy}
              data-testid="proposal-shares"
            />
          )}
          {draft.kind === 'reputation.grant' && (
            <NumberInput
              label={t('proposal.form.points')}
              description={t('proposal.form.pointsDescription')}
              value={draft.points}
              onChange={(points) => edit('points', points)}
              error={problems.points ? t(problems.points) : undefined}
              min={1}
              max={1_000_000}
              allowDecimal={false}
              styles={{ wrapper: { maxWidth: 220 } }}
              disabled={busy}
              data-testid="proposal-points"
            />
          )}
          {draft.kind === 'rules.change' && (
            <RulesChangeFields value={draft.rules} current={dao.rules} onChange={(rules) => edit('rules', rules)} problems={problems.rules} disabled={busy} />
          )}
          {draft.kind === 'signal' && (
            <Textarea
              label={t('proposal.form.text')}
              description={t('proposal.form.textDescription')}
              value={draft.text}
              onChange={(event) => edit('text', event.currentTarget.value)}
              error={problems.text ? t(problems.text) : undefined}
              autosize
              minRows={3}
              maxRows={10}
              disabled={busy}
              data-testid="proposal-text"
            />
          )}
          {problems.unchanged && (
            <Text size="sm" c="red" role="alert">
              {t(problems.unchanged)}
            </Text>
          )}

          <FormError error={hostError} />
          <Group justify="flex-end">
            <Button variant="subtle" onClick={onClose} disabled={busy}>
              {t('common.cancel')}
            </Button>
            <Button ref={submitButton} type="submit" loading={busy} data-testid="proposal-submit">
              {t('proposal.form.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
