// After voting ends, members sign the tally (the exact votes counted and the outcome); the result is
// final once enough have signed. Shows how far the signatures are, and lets this member add theirs.
import { Button, Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { IconSignature } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { ProposalView } from '../../../../core/bridge/api.ts';
import { awaitsSignature } from '../../../../core/bridge/dao-view.ts';
import { useBridge } from '../../../bridge/bridge-context.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { focusIfLost } from '../../../components/lost-focus.ts';
import { formatMoment } from '../../../time/format-moment.ts';

export interface CertificateCardProps {
  dao: string;
  proposal: ProposalView;
  /** The DAO's signature threshold, for before anyone has signed. */
  threshold: number;
  isMember: boolean;
  onSigned: () => void;
}

export function CertificateCard({ dao, proposal, threshold, isMember, onSigned }: CertificateCardProps) {
  const { t, i18n } = useTranslation();
  const bridge = useBridge();
  const [busy, setBusy] = useState(false);
  const [hostError, setHostError] = useState<unknown>(null);
  // Signing takes the button away (once the view says so): the focus moves to the line saying it is signed.
  const [signed, setSigned] = useState(false);
  const signButton = useRef<HTMLButtonElement>(null);
  const signedNote = useRef<HTMLParagraphElement>(null);
  const certificate = proposal.certificate ?? { signatures: 0, needed: threshold, final: false, signedByMe: false };
  const awaited = awaitsSignature(proposal, isMember);
  const late = useLateArrival(dao, proposal.id, awaited);
  const language = i18n.resolvedLanguage ?? 'en';
  // The host does not sign a result of a proposal it first received after its voting period: say so, not offer it.
  const canSign = awaited && late === null;

  async function sign(): Promise<void> {
    setBusy(true);
    setHostError(null);
    try {
      await bridge.call('dao.signTally', { dao, proposal: proposal.id });
      setSigned(true);
      onSigned();
    } catch (error) {
      setHostError(error);
    } finally {
      flushSync(() => setBusy(false));
      focusIfLost(signButton.current);
    }
  }

  useEffect(() => {
    if (signed && certificate.signedByMe) focusIfLost(signedNote.current, signButton.current);
  }, [signed, certificate.signedByMe]);

  return (
    <Card withBorder radius="lg" padding="lg" data-testid="certificate-card">
      <Stack gap="md">
        <div>
          <Title order={4}>{t('proposal.certificate.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('proposal.certificate.description', { count: certificate.needed })}
          </Text>
        </div>
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm" fw={600} data-testid="certificate-progress" data-final={certificate.final ? 'true' : 'false'}>
              {/* Final: the signatures it took then, not today's rule (members may have come or gone since). */}
              {certificate.final
                ? t('proposal.certificate.signedBy', { count: certificate.signatures })
                : t('proposal.certificate.progress', { signatures: certificate.signatures, needed: certificate.needed })}
            </Text>
            <Text size="sm" c={certificate.final ? 'teal' : 'dimmed'}>
              {certificate.final ? t('proposal.certificate.final') : t('proposal.certificate.pending')}
            </Text>
          </Group>
          <Progress
            value={certificate.final ? 100 : certificate.needed > 0 ? Math.min(100, (100 * certificate.signatures) / certificate.needed) : 0}
            color={certificate.final ? 'teal' : 'indigo'}
            aria-hidden
          />
        </Stack>
        {certificate.signedByMe && (
          <Text ref={signedNote} size="sm" c="dimmed" tabIndex={-1} data-testid="certificate-signed">
            {t('proposal.certificate.signedByMe')}
          </Text>
        )}
        {awaited && late !== null && (
          <Text size="sm" c="dimmed" data-testid="certificate-received-late">
            {t('proposal.certificate.receivedLate', { receivedAt: formatMoment(t, late.receivedAt, language), votingEndsAt: formatMoment(t, late.votingEndsAt, language) })}
          </Text>
        )}
        {canSign && (
          <Group>
            <Button ref={signButton} leftSection={<IconSignature size={16} />} loading={busy} onClick={() => void sign()} data-testid="tally-sign">
              {t('proposal.certificate.sign')}
            </Button>
          </Group>
        )}
        <FormError error={hostError} />
      </Stack>
    </Card>
  );
}

/**
 * When `asking`, whether the host refuses to sign this proposal's result for having first received it after its
 * voting period (dao.signingRefusal); null until it answers, and when it does not refuse or cannot be asked (the
 * Sign button then stays, and signing says why if it is refused).
 */
function useLateArrival(dao: string, proposal: string, asking: boolean): { receivedAt: number; votingEndsAt: number } | null {
  const bridge = useBridge();
  const [late, setLate] = useState<{ proposal: string; at: { receivedAt: number; votingEndsAt: number } | null } | null>(null);
  useEffect(() => {
    if (!asking) return;
    let current = true;
    bridge.call('dao.signingRefusal', { dao, proposal }).then(
      (answer) => current && setLate({ proposal, at: answer.late }),
      () => current && setLate(null),
    );
    return () => {
      current = false;
    };
  }, [bridge, dao, proposal, asking]);
  return asking && late?.proposal === proposal ? late.at : null;
}
