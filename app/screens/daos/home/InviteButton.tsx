// The DAO home's Invite button: the invite dialog, and from it the new-proposal form opened on adding a member.
import { Button } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import { useReturnFocus } from '../../../components/use-return-focus.ts';
import { useNavigation } from '../../../shell/navigation.tsx';
import { NewProposalDialog } from '../new-proposal/NewProposalDialog.tsx';
import { InviteDialog } from './InviteDialog.tsx';

export function InviteButton({ dao }: { dao: DaoView }) {
  const { t } = useTranslation();
  const { navigate } = useNavigation();
  const [open, setOpen] = useState<'invite' | 'propose-member' | null>(null);
  useReturnFocus(open !== null);
  return (
    <>
      <Button size="xs" variant="light" leftSection={<IconUserPlus size={14} />} onClick={() => setOpen('invite')} data-testid="invite-open">
        {t('dao.invite.button')}
      </Button>
      {open === 'invite' && <InviteDialog dao={dao} onClose={() => setOpen(null)} onProposeMember={() => setOpen('propose-member')} />}
      {open === 'propose-member' && (
        <NewProposalDialog
          dao={dao}
          initialKind="member.add"
          onClose={() => setOpen(null)}
          onCreated={(proposal) => navigate({ screen: 'proposal', dao: dao.id, proposal })}
        />
      )}
    </>
  );
}
