// One proposal draft, open for editing together; when it reads right, a member proposes from it.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import type { TextName } from '../../../../core/dao/dao-doc.ts';
import { CollaborativeTextarea } from './CollaborativeTextarea.tsx';

export interface DraftDialogProps {
  dao: DaoView;
  name: TextName;
  onClose: () => void;
  /** Proposing from the draft, with its text as the field shows it. */
  onPropose: (text: string) => void;
}

export function DraftDialog({ dao, name, onClose, onPropose }: DraftDialogProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const onValue = useCallback((value: string) => setText(value), []);
  return (
    <Modal opened onClose={onClose} title={t('texts.drafts.dialogTitle')} size="lg" centered>
      <Stack gap="md" data-testid="draft-dialog" data-draft={name}>
        <Text size="sm" c="dimmed">
          {dao.isMember ? t('texts.drafts.dialogDescription') : t('texts.drafts.dialogDescriptionVisitor')}
        </Text>
        <CollaborativeTextarea
          dao={dao.id}
          name={name}
          editable={dao.isMember}
          placeholder={t('texts.drafts.placeholder')}
          minRows={8}
          testId="draft-text"
          onValue={onValue}
        />
        <Group justify="flex-end">
          <Button variant="subtle" onClick={onClose} data-testid="draft-close">
            {t('texts.drafts.close')}
          </Button>
          {dao.isMember && (
            <Button onClick={() => onPropose(text)} disabled={text.trim().length === 0} data-testid="draft-propose">
              {t('texts.drafts.propose')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
