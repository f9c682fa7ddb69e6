// Joining a DAO with an invite code: paste it, join, wait while the node connects to the inviter's node and
// receives the DAO's history (with how far it got, once the host reports it), then open the DAO. What goes
// wrong (expired, revoked, altered, unreachable) is the host's error, in the user's language.
import { Button, Group, Loader, Modal, Progress, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { InviteCode } from '../../../../core/bridge/api.ts';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { focusIfLost } from '../../../components/lost-focus.ts';
import { invitedDao } from '../../../daos/invited-dao.ts';

type CodeProblem = 'dao.join.required' | 'dao.join.incomplete';
type Progress = { received: number; expected: number };

export interface JoinDialogProps {
  onClose: () => void;
  onJoined: (dao: string) => void;
}

export function JoinDialog({ onClose, onJoined }: JoinDialogProps) {
  const { t } = useTranslation();
  const bridge = useBridge();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<CodeProblem | null>(null);
  const [hostError, setHostError] = useState<unknown>(null);
  const [joining, setJoining] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const codeField = useRef<HTMLTextAreaElement>(null);

  // While the host joins, its sync pushes for the invited DAO say how much of the history has arrived.
  useEffect(() => {
    const dao = joining === null ? null : invitedDao(joining);
    if (dao === null) return;
    return bridge.on('dao.syncStatus', (status) => {
      if (status.dao === dao && status.progress) setProgress(status.progress);
    });
  }, [bridge, joining]);

  async function join(event: FormEvent): Promise<void> {
    event.preventDefault();
    const checked = InviteCode.safeParse(code);
    setHostError(null);
    if (!checked.success) {
      setProblem(code.trim().length === 0 ? 'dao.join.required' : 'dao.join.incomplete');
      return;
    }
    setProgress(null);
    setJoining(checked.data);
    try {
      const { dao } = await bridge.call('dao.join', { code: checked.data });
      onClose();
      onJoined(dao);
    } catch (error) {
      // The field was disabled meanwhile, which dropped the focus: back to the code, to fix or replace it.
      flushSync(() => {
        setHostError(error);
        setJoining(null);
      });
      focusIfLost(codeField.current);
    }
  }

  const busy = joining !== null;
  return (
    <Modal opened onClose={busy ? () => {} : onClose} title={t('dao.join.title')} size="lg" centered>
      <form onSubmit={(event) => void join(event)} noValidate>
        <Stack gap="md" data-testid="join-dialog">
          <Text size="sm">{t('dao.join.description')}</Text>
          <Textarea
            ref={codeField}
            label={t('dao.join.code')}
            placeholder={t('dao.join.placeholder')}
            value={code}
            onChange={(event) => {
              setCode(event.currentTarget.value);
              setProblem(null);
            }}
            error={problem ? t(problem) : undefined}
            autosize
            minRows={3}
            maxRows={8}
            spellCheck={false}
            autoComplete="off"
            disabled={busy}
            data-autofocus
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
            data-testid="join-code"
          />
          {busy && (
            <Stack gap={6} data-testid="join-progress">
              <Group gap="xs" wrap="nowrap">
                <Loader size="xs" />
                <Text size="sm" c="dimmed">
                  {progress ? t('dao.join.receiving', { received: progress.received, expected: progress.expected }) : t('dao.join.connecting')}
                </Text>
              </Group>
              {progress && progress.expected > 0 && <Progress value={Math.min(100, (100 * progress.received) / progress.expected)} size="sm" animated aria-hidden />}
            </Stack>
          )}
          <FormError error={hostError} />
          <Group justify="flex-end">
            <Button variant="subtle" onClick={onClose} disabled={busy}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={busy} data-testid="join-submit">
              {t('dao.join.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
