// Leaving a DAO at once with one's share of the books (MolochDAO's rage quit). It cannot be undone, so the
// dialog says what happens and asks for the DAO's name typed out before it lets the member go. The last member
// is told plainly that the DAO is then left without members for good, and takes all of the books.
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { useHostCall } from '../../../components/use-host-call.ts';
import { useNodeStatus } from '../../../status/node-status-context.tsx';
import { typedNameMatches } from './typed-name.ts';

export function RageQuitDialog({ dao, onClose }: { dao: DaoView; onClose: () => void }) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const { status } = useNodeStatus();
  const [typed, setTyped] = useState('');
  const { busy, hostError, refocus: confirmButton, run } = useHostCall<HTMLButtonElement>();
  const me = status?.address?.toLowerCase();
  const myShares = dao.members.find((member) => member.address.toLowerCase() === me)?.shares ?? 0;
  const totalShares = dao.members.reduce((sum, member) => sum + member.shares, 0);
  const lastMember = dao.memberCount === 1 && dao.members.some((member) => member.address.toLowerCase() === me);
  const confirmed = typedNameMatches(typed, dao.name);

  async function quit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!confirmed) return;
    await run(async () => {
      await bridge.call('dao.rageQuit', { dao: dao.id });
      onClose();
    });
  }

  return (
    <Modal opened onClose={busy ? () => {} : onClose} title={t('dao.rageQuit.title', { name: dao.name })} size="lg" centered>
      <form onSubmit={(event) => void quit(event)} noValidate>
        <Stack gap="md">
          {lastMember ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={t('dao.rageQuit.lastMemberTitle')} data-testid="ragequit-last-member">
              {t('dao.rageQuit.lastMember')}
            </Alert>
          ) : (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={t('dao.rageQuit.irreversibleTitle')}>
              {t('dao.rageQuit.irreversible')}
            </Alert>
          )}
          <Text size="sm" data-testid="ragequit-share">
            {myShares === 0
              ? t('dao.rageQuit.takesNothing')
              : lastMember
                ? t('dao.rageQuit.takesAll', { total: totalShares })
                : t('dao.rageQuit.takes', { shares: myShares, total: totalShares })}
          </Text>
          <Text size="sm">{t('dao.rageQuit.effects')}</Text>
          <Text size="sm" c="dimmed">
            {t('dao.rageQuit.onChain')}
          </Text>
          <TextInput
            label={t('dao.rageQuit.typeName', { name: dao.name })}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            autoComplete="off"
            spellCheck={false}
            disabled={busy}
            data-autofocus
            data-testid="ragequit-confirm-input"
          />
          <FormError error={hostError} />
          <Group justify="flex-end">
            <Button variant="subtle" onClick={onClose} disabled={busy}>
              {t('common.cancel')}
            </Button>
            <Button ref={confirmButton} type="submit" color="red" disabled={!confirmed} loading={busy} data-testid="ragequit-confirm">
              {t('dao.rageQuit.confirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
