// An invite code for a new device: pick how long it works, get the code to send, revoke it if it went astray.
// The dialog says plainly that the code only lets a device receive the DAO; membership takes a passed
// member.add proposal, which it offers to start.
import { Alert, Button, CopyButton, Group, Input, Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { IconBan, IconCheck, IconCopy, IconUserPlus } from '@tabler/icons-react';
import { useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { BridgeResult, DaoView } from '../../../../core/bridge/api.ts';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { focusIfLost } from '../../../components/lost-focus.ts';
import { formatDuration } from '../../../time/duration-text.ts';
import { formatMoment } from '../../../time/format-moment.ts';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
/** How long a code may work, offered as choices; a week unless the member picks otherwise. */
const expiryChoices = [hourMs, dayMs, 7 * dayMs, 30 * dayMs] as const;
const defaultExpiryMs = 7 * dayMs;

type Issued = BridgeResult<'dao.invite'>;

export interface InviteDialogProps {
  dao: DaoView;
  onClose: () => void;
  /** Opens the new-proposal form on member.add (the dialog closes first). */
  onProposeMember: () => void;
}

export function InviteDialog({ dao, onClose, onProposeMember }: InviteDialogProps) {
  const { t, i18n } = useTranslation();
  const bridge = useBridge();
  const [expiresInMs, setExpiresInMs] = useState<number>(defaultExpiryMs);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [revoked, setRevoked] = useState(false);
  const [hostError, setHostError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The button pressed is removed or disabled by what it does: the focus moves on to what it led to.
  const codeField = useRef<HTMLTextAreaElement>(null);
  const createButton = useRef<HTMLButtonElement>(null);
  const anotherButton = useRef<HTMLButtonElement>(null);
  const revokeButton = useRef<HTMLButtonElement>(null);

  async function run(pressed: RefObject<HTMLButtonElement | null>, action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setHostError(null);
    try {
      await action();
    } catch (error) {
      setHostError(error);
    } finally {
      flushSync(() => setBusy(false));
      // Refused: back to the button, enabled again, beside the error.
      focusIfLost(pressed.current);
    }
  }

  const create = (): Promise<void> =>
    run(createButton, async () => {
      const invite = await bridge.call('dao.invite', { dao: dao.id, expiresInMs });
      flushSync(() => {
        setIssued(invite);
        setRevoked(false);
      });
      codeField.current?.focus();
    });

  const revoke = (invite: string): Promise<void> =>
    run(revokeButton, async () => {
      await bridge.call('dao.revokeInvite', { dao: dao.id, invite });
      flushSync(() => setRevoked(true));
      anotherButton.current?.focus();
    });

  return (
    <Modal opened onClose={busy ? () => {} : onClose} title={t('dao.invite.title')} size="lg" centered>
      <Stack gap="md" data-testid="invite-dialog">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{t('dao.invite.explanation')}</Text>
          <Button variant="light" size="xs" leftSection={<IconUserPlus size={14} />} onClick={onProposeMember} disabled={busy} data-testid="invite-propose-member">
            {t('dao.invite.proposeMember')}
          </Button>
        </Stack>

        {issued === null ? (
          <Input.Wrapper label={t('dao.invite.expiry')}>
            <SegmentedControl
              mt={4}
              fullWidth
              value={String(expiresInMs)}
              onChange={(value) => setExpiresInMs(Number(value))}
              data={expiryChoices.map((ms) => ({ value: String(ms), label: formatDuration(t, ms) }))}
              disabled={busy}
              aria-label={t('dao.invite.expiry')}
              data-testid="invite-expiry"
            />
          </Input.Wrapper>
        ) : (
          <Stack gap="xs" data-testid="invite-issued" data-invite={issued.invite}>
            <Textarea
              ref={codeField}
              label={t('dao.invite.code')}
              description={t('dao.invite.codeHint')}
              value={issued.code}
              readOnly
              autosize
              minRows={3}
              maxRows={8}
              spellCheck={false}
              onFocus={(event) => event.currentTarget.select()}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
              data-testid="invite-code"
            />
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Text size="sm" c={revoked ? 'dimmed' : undefined} td={revoked ? 'line-through' : undefined} data-testid="invite-expires" data-expires={issued.expires}>
                {t('dao.invite.expires', { date: formatMoment(t, issued.expires, i18n.language) })}
              </Text>
              <Group gap="xs">
                <CopyButton value={issued.code} timeout={1500}>
                  {({ copied, copy }) => (
                    <Button
                      size="xs"
                      variant="light"
                      color={copied ? 'teal' : undefined}
                      leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                      onClick={copy}
                      disabled={revoked}
                      data-testid="invite-copy"
                    >
                      {copied ? t('common.copied') : t('common.copy')}
                    </Button>
                  )}
                </CopyButton>
                {!revoked && (
                  <Button ref={revokeButton} size="xs" variant="light" color="red" leftSection={<IconBan size={14} />} loading={busy} onClick={() => void revoke(issued.invite)} data-testid="invite-revoke">
                    {t('dao.invite.revoke')}
                  </Button>
                )}
              </Group>
            </Group>
            {revoked && (
              <Alert color="gray" variant="light" data-testid="invite-revoked">
                {t('dao.invite.revoked')}
              </Alert>
            )}
          </Stack>
        )}

        <FormError error={hostError} />
        <Group justify="flex-end">
          {issued === null ? (
            <>
              <Button variant="subtle" onClick={onClose} disabled={busy}>
                {t('common.cancel')}
              </Button>
              <Button ref={createButton} loading={busy} onClick={() => void create()} data-autofocus data-testid="invite-create">
                {t('dao.invite.create')}
              </Button>
            </>
          ) : (
            <>
              {revoked && (
                <Button
                  ref={anotherButton}
                  variant="subtle"
                  onClick={() => {
                    flushSync(() => setIssued(null));
                    createButton.current?.focus();
                  }}
                  data-testid="invite-another"
                >
                  {t('dao.invite.another')}
                </Button>
              )}
              <Button onClick={onClose} disabled={busy} data-testid="invite-done">
                {t('dao.invite.done')}
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
