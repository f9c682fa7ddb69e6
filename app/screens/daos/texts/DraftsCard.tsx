// Proposal drafts: texts the members write together before anyone proposes them. A draft is a collaborative
// text of the DAO (`draft:<id>`); the list is what the UI's replica holds. Proposing from a draft opens the
// new-proposal form on a signal proposal, its title the draft's first line and its text the rest.
import { Badge, Button, Card, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconFileText, IconPlus } from '@tabler/icons-react';
import { base64urlnopad } from '@scure/base';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import type { TextName } from '../../../../core/dao/dao-doc.ts';
import { useReturnFocus } from '../../../components/use-return-focus.ts';
import { useReplicaStore } from '../../../daos/replica-context.tsx';
import { useNavigation } from '../../../shell/navigation.tsx';
import { NewProposalDialog } from '../new-proposal/NewProposalDialog.tsx';
import { DraftDialog } from './DraftDialog.tsx';
import { draftBody, draftTitle } from './draft-title.ts';
import { MemberText } from '../../../components/MemberText.tsx';

type DraftName = Extract<TextName, `draft:${string}`>;

function newDraftName(): DraftName {
  return `draft:${base64urlnopad.encode(crypto.getRandomValues(new Uint8Array(9)))}`;
}

export function DraftsCard({ dao }: { dao: DaoView }) {
  const { t } = useTranslation();
  const { navigate } = useNavigation();
  const store = useReplicaStore();
  useEffect(() => {
    store?.open(dao.id);
  }, [store, dao.id]);
  const replica = store?.peek(dao.id) ?? null;
  const [open, setOpen] = useState<DraftName | null>(null);
  const [proposing, setProposing] = useState<{ title: string; text: string } | null>(null);
  // A draft that opens the proposal form keeps the draft's opener, for when that form closes; a deleted draft's
  // row is gone, and the focus goes to the button that makes a new one.
  const newDraft = useRef<HTMLButtonElement>(null);
  useReturnFocus(open !== null || proposing !== null, newDraft);

  const drafts = (replica?.textNames() ?? [])
    .filter((name): name is DraftName => name.startsWith('draft:'))
    .map((name) => ({ name, text: replica!.text(name) }))
    .filter((draft) => draft.text.length > 0)
    .map((draft) => ({ ...draft, title: draftTitle(draft.text) }))
    .sort((a, b) => a.title.localeCompare(b.title) || a.name.localeCompare(b.name));

  return (
    <Card withBorder radius="lg" padding="lg" data-testid="drafts">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Title order={4}>{t('texts.drafts.title')}</Title>
            <Text size="sm" c="dimmed">
              {t('texts.drafts.description')}
            </Text>
          </div>
          {dao.isMember && (
            <Button ref={newDraft} size="xs" variant="light" leftSection={<IconPlus size={14} />} onClick={() => setOpen(newDraftName())} data-testid="draft-new" style={{ flexShrink: 0 }}>
              {t('texts.drafts.new')}
            </Button>
          )}
        </Group>
        {drafts.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="drafts-empty">
            {t('texts.drafts.empty')}
          </Text>
        ) : (
          <Stack gap={4} data-testid="draft-list">
            {drafts.map((draft) => (
              <UnstyledButton key={draft.name} onClick={() => setOpen(draft.name)} data-testid="draft-row" data-draft={draft.name} p="xs">
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                    <IconFileText size={16} stroke={1.5} />
                    <Text size="sm" truncate="end">
                      {draft.title ? <MemberText text={draft.title} /> : t('texts.drafts.untitled')}
                    </Text>
                  </Group>
                  <Badge variant="light" color="gray">
                    {t('texts.drafts.length', { count: draft.text.length })}
                  </Badge>
                </Group>
              </UnstyledButton>
            ))}
          </Stack>
        )}
      </Stack>
      {open !== null && (
        <DraftDialog
          dao={dao}
          name={open}
          onClose={() => setOpen(null)}
          onPropose={(text) => {
            setOpen(null);
            setProposing({ title: draftTitle(text), text: draftBody(text) });
          }}
        />
      )}
      {proposing !== null && (
        <NewProposalDialog
          dao={dao}
          initial={{ kind: 'signal', title: proposing.title, text: proposing.text }}
          onClose={() => setProposing(null)}
          onCreated={(proposal) => navigate({ screen: 'proposal', dao: dao.id, proposal })}
        />
      )}
    </Card>
  );
}
