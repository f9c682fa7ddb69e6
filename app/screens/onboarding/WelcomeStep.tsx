// What DAOmesh is, and the two ways in: a new identity or one restored from its recovery phrase.
import { Group, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { IconKey, IconRestore, type Icon } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import classes from './WelcomeStep.module.css';
import { ScreenTitle } from '../../layout/ScreenTitle.tsx';

interface ChoiceProps {
  icon: Icon;
  title: string;
  description: string;
  onClick: () => void;
  testId: string;
}

function Choice({ icon: ChoiceIcon, title, description, onClick, testId }: ChoiceProps) {
  return (
    <UnstyledButton className={classes.choice} onClick={onClick} data-testid={testId}>
      <Group wrap="nowrap" align="flex-start">
        <ThemeIcon size={40} radius="md" variant="light">
          <ChoiceIcon size={22} />
        </ThemeIcon>
        <div>
          <Text fw={600}>{title}</Text>
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        </div>
      </Group>
    </UnstyledButton>
  );
}

export function WelcomeStep({ onCreate, onRestore }: { onCreate: () => void; onRestore: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <ScreenTitle>{t('welcome.title')}</ScreenTitle>
        <Text>{t('welcome.intro')}</Text>
      </Stack>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('welcome.choose')}
        </Text>
        <Choice
          icon={IconKey}
          title={t('welcome.create')}
          description={t('welcome.createDescription')}
          onClick={onCreate}
          testId="onboarding-create"
        />
        <Choice
          icon={IconRestore}
          title={t('welcome.restore')}
          description={t('welcome.restoreDescription')}
          onClick={onRestore}
          testId="onboarding-restore"
        />
      </Stack>
    </Stack>
  );
}
