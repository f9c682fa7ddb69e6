// Found a DAO: what it is for, how it decides (optionally per proposal kind), and who starts it. One form in
// three parts; the host signs the genesis record, and the new DAO opens as soon as it exists.
import { Button, Group, NumberInput, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { PeriodInput } from '../../../components/PeriodInput.tsx';
import { useNavigation } from '../../../shell/navigation.tsx';
import { useNodeStatus } from '../../../status/node-status-context.tsx';
import { checkCreateDao, emptyCreateDaoDraft, type CreateDaoDraft, type CreateDaoProblems } from './create-dao-form.ts';
import { SectionCard } from '../../../components/SectionCard.tsx';
import { KindModesFields } from '../KindModesFields.tsx';
import { PresetSelect } from './PresetSelect.tsx';
import { ScreenTitle } from '../../../layout/ScreenTitle.tsx';

export function CreateDaoScreen() {
  const { t } = useTranslation();
  const bridge = useBridge();
  const { navigate } = useNavigation();
  const { status } = useNodeStatus();
  const [draft, setDraft] = useState<CreateDaoDraft>(emptyCreateDaoDraft);
  const [problems, setProblems] = useState<CreateDaoProblems>({});
  const [hostError, setHostError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  function edit<K extends keyof CreateDaoDraft>(field: K, value: CreateDaoDraft[K]): void {
    setDraft((current) => ({ ...current, [field]: value }));
    setProblems((current) => ({ ...current, [field]: undefined }));
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const checked = checkCreateDao(draft, status?.address ?? null);
    setProblems(checked.problems);
    setHostError(null);
    if (!checked.params) return;
    setBusy(true);
    try {
      const { dao } = await bridge.call('dao.create', checked.params);
      navigate({ screen: 'dao', dao });
    } catch (error) {
      setHostError(error);
      setBusy(false);
    }
  }

  const founders = problems.founders;
  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="lg" maw={760}>
        <Stack gap={2}>
          <ScreenTitle>{t('dao.create.title')}</ScreenTitle>
          <Text c="dimmed" size="sm">
            {t('dao.create.subtitle')}
          </Text>
        </Stack>

        <SectionCard gap="md" title={t('dao.create.about')} description={t('dao.create.aboutDescription')}>
          <TextInput
            label={t('dao.create.name')}
            placeholder={t('dao.create.namePlaceholder')}
            value={draft.name}
            onChange={(event) => edit('name', event.currentTarget.value)}
            error={problems.name ? t(problems.name) : undefined}
            disabled={busy}
            withAsterisk
            data-autofocus
            data-testid="dao-name"
          />
          <Textarea
            label={t('dao.create.charter')}
            description={t('dao.create.charterDescription')}
            placeholder={t('dao.create.charterPlaceholder')}
            value={draft.charter}
            onChange={(event) => edit('charter', event.currentTarget.value)}
            error={problems.charter ? t(problems.charter) : undefined}
            autosize
            minRows={4}
            maxRows={12}
            disabled={busy}
            data-testid="dao-charter"
          />
        </SectionCard>

        <SectionCard gap="md" title={t('dao.create.rules')} description={t('dao.create.rulesDescription')}>
          <PresetSelect value={draft.preset} onChange={(preset) => edit('preset', preset)} disabled={busy} />
          <PeriodInput
            label={t('dao.create.votingPeriod')}
            description={t('dao.create.votingPeriodDescription')}
            value={draft.votingPeriod}
            onChange={(period) => edit('votingPeriod', period)}
            error={problems.votingPeriod ? t(problems.votingPeriod) : undefined}
            disabled={busy}
            testId="dao-voting-period"
          />
          <PeriodInput
            label={t('dao.create.gracePeriod')}
            description={t('dao.create.gracePeriodDescription')}
            value={draft.gracePeriod}
            onChange={(period) => edit('gracePeriod', period)}
            error={problems.gracePeriod ? t(problems.gracePeriod) : undefined}
            disabled={busy}
            testId="dao-grace-period"
          />
          <KindModesFields value={draft.kindModes} onChange={(kindModes) => edit('kindModes', kindModes)} disabled={busy} testId="dao-kind-modes" />
        </SectionCard>

        <SectionCard gap="md" title={t('dao.create.members')} description={t('dao.create.membersDescription')}>
          <Textarea
            label={t('dao.create.founders')}
            description={t('dao.create.foundersDescription')}
            placeholder={t('dao.create.foundersPlaceholder')}
            value={draft.founders}
            onChange={(event) => edit('founders', event.currentTarget.value)}
            error={
              founders
                ? founders.key === 'dao.create.foundersInvalid'
                  ? t(founders.key, { values: founders.values })
                  : t(founders.key)
                : undefined
            }
            autosize
            minRows={2}
            maxRows={8}
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            disabled={busy}
            data-testid="dao-founders"
          />
          <NumberInput
            label={t('dao.create.memberCap')}
            description={t('dao.create.memberCapDescription')}
            value={draft.memberCap}
            onChange={(value) => edit('memberCap', value)}
            error={problems.memberCap ? t(problems.memberCap) : undefined}
            min={2}
            max={100}
            allowDecimal={false}
            styles={{ wrapper: { maxWidth: 240 } }}
            disabled={busy}
            data-testid="dao-member-cap"
          />
        </SectionCard>

        <FormError error={hostError} />
        <Group justify="flex-end">
          <Button variant="subtle" onClick={() => navigate({ screen: 'daos' })} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={busy} data-testid="dao-create-submit">
            {t('dao.create.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
