// One proposal draft, open for editing together; when it reads right, a member proposes from it. A member may
// also delete it: its text is emptied for everyone, and the list leaves out empty drafts (a text of the
// document cannot be removed, only emptied).
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DaoView } from '../../../../core/bridge/api.ts';
import type { TextName } from '../../../../core/dao/dao-doc.ts';
import { FormError } from '../../../components/FormError.tsx';
import { CollaborativeTextarea, type CollaborativeTextHandle } from './CollaborativeTextarea.tsx';

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
  const field = useRef<CollaborativeTextHandle>(null);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const remove = async (): Promise<void> => {
    setDeleting(true);
    setError(null);
    try {
      await field.current?.clear();
      onClose();
    } catch (failure) {
      setError(failure);
      setDeleting(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('texts.drafts.dialogTitle')} size="lg" centered>
      <Stack gap="md" data-testid="draft-dialog" data-draft={name}>
        <Text size="sm" c="dimmed">
          {dao.isMember ? t('texts.drafts.dialogDescription') : t('texts.drafts.dialogDescriptionVisitor')}
        </Text>
        <CollaborativeTextarea
          ref={field}
          dao={dao.id}
          name={name}
          editable={dao.isMember && !deleting}
          label={{ text: t('texts.drafts.label'), hidden: true }}
          autoFocusInDialog
          placeholder={t('texts.drafts.placeholder')}
          minRows={8}
          testId="draft-text"
          onValue={onValue}
        />
        {confirming && (
          <Alert color="red" variant="light" icon={<IconTrash size={18} />} title={t('texts.drafts.deleteTitle')} data-testid="draft-delete-confirmation">
            <Stack gap="sm">
              <Text size="sm">{t('texts.drafts.deleteBody')}</Text>
              <Group justify="flex-end" gap="xs">
                <Button variant="subtle" size="xs" onClick={() => setConfirming(false)} disabled={deleting} data-testid="draft-delete-cancel">
                  {t('texts.drafts.deleteCancel')}
                </Button>
                <Button color="red" size="xs" onClick={() => void remove()} loading={deleting} data-testid="draft-delete-confirm">
                  {t('texts.drafts.deleteConfirm')}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        <FormError error={error} />
        <Group justify="space-between">
          {dao.isMember && text.length > 0 && !confirming ? (
            <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirming(true)} data-testid="draft-delete">
              {t('texts.drafts.delete')}
            </Button>
          ) : (
            <span />
          )}
          <Group gap="xs">
            <Button variant="subtle" onClick={onClose} data-testid="draft-close">
              {t('texts.drafts.close')}
            </Button>
            {dao.isMember && (
              <Button onClick={() => onPropose(text)} disabled={text.trim().length === 0 || deleting} data-testid="draft-propose">
                {t('texts.drafts.propose')}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}
