// The shell around every screen once the identity is unlocked: header with the app's name, nav, content (under
// a reminder while the recovery phrase is not backed up). Below the `sm` breakpoint the nav is a drawer, a modal
// like any dialog: it holds the focus while open, Escape closes it, and the focus goes back to the burger.
import { AppShell, Burger, Drawer, Group, NavLink, Stack, Title, useMantineTheme } from '@mantine/core';
import { useDisclosure, useId, useMediaQuery } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageMenu } from '../i18n/LanguageMenu.tsx';
import { AppMark } from '../layout/AppMark.tsx';
import { useScreenFocus } from '../layout/screen-focus.tsx';
import { BackupReminder } from './BackupReminder.tsx';
import { NavigationContext, sectionOf, type Route, type SectionId } from './navigation.tsx';
import { routeFromFragment, routeToFragment } from './route-fragment.ts';
import { routes } from './routes.tsx';
import { ScreenErrorBoundary } from './ScreenErrorBoundary.tsx';

export function AppFrame() {
  const { t } = useTranslation();
  const theme = useMantineTheme();
  // Known at the first render, so the nav is drawn once, in the place it belongs.
  const wide = useMediaQuery(`(min-width: ${theme.breakpoints.sm})`, undefined, { getInitialValueInEffect: false });
  const [navOpen, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
  const drawerId = useId();
  useEffect(() => {
    if (wide) closeNav();
  }, [wide, closeNav]);
  const screenFocus = useScreenFocus();
  const [route, setRoute] = useState<Route>(() => routeFromFragment(window.location.hash));
  const navigate = (next: Route): void => {
    screenFocus?.moved(document.activeElement);
    setRoute(next);
    closeNav();
    const fragment = routeToFragment(next);
    if (window.location.hash !== fragment) window.history.pushState(null, '', fragment);
  };
  useEffect(() => {
    // Every move starts at the top of its screen (screen-focus.tsx), Back too: the browser restoring the old
    // position would land it partway down a screen whose content arrives after that.
    window.history.scrollRestoration = 'manual';
    const follow = (): void => {
      screenFocus?.moved(document.activeElement);
      setRoute(routeFromFragment(window.location.hash));
    };
    window.addEventListener('popstate', follow);
    return () => window.removeEventListener('popstate', follow);
  }, [screenFocus]);
  const section = sectionOf(route);
  const current = routes.find((entry) => entry.id === section) ?? routes[0];
  const Screen = current?.Screen;
  const links = <NavLinks section={section} onOpen={(id) => navigate({ screen: id })} />;

  return (
    <NavigationContext value={{ route, navigate }}>
      <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: true } }} padding={{ base: 'md', sm: 'xl' }}>
        <AppShell.Header>
          <Group h="100%" px="md" gap="sm">
            <Burger
              opened={navOpen}
              onClick={toggleNav}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('nav.toggle')}
              aria-expanded={navOpen}
              aria-controls={navOpen ? drawerId : undefined}
              data-testid="nav-burger"
            />
            <AppMark />
            <Title order={4} component="span">
              {t('app.name')}
            </Title>
            {/* On every screen, not only in Settings: someone handed a device set to a language they do not read. */}
            <Group ml="auto">
              <LanguageMenu />
            </Group>
          </Group>
        </AppShell.Header>
        {/* Narrow, the collapsed navbar would only be moved off screen, its links still in the Tab order. */}
        {wide ? (
          <AppShell.Navbar p="sm" component="nav" aria-label={t('nav.title')}>
            {links}
          </AppShell.Navbar>
        ) : (
          <Drawer id={drawerId} opened={navOpen} onClose={closeNav} title={t('nav.title')} size={260} padding="sm" data-testid="nav-drawer">
            <nav aria-label={t('nav.title')}>{links}</nav>
          </Drawer>
        )}
        <AppShell.Main>
          <BackupReminder />
          {/* Keyed by the route, so moving elsewhere gives a failed screen a fresh start. */}
          <ScreenErrorBoundary key={routeToFragment(route)} onLeave={() => navigate({ screen: 'home' })}>
            {Screen && <Screen />}
          </ScreenErrorBoundary>
        </AppShell.Main>
      </AppShell>
    </NavigationContext>
  );
}

function NavLinks({ section, onOpen }: { section: SectionId; onOpen: (id: SectionId) => void }) {
  const { t } = useTranslation();
  return (
    <Stack gap={0}>
      {routes.map((entry) => (
        <NavLink
          key={entry.id}
          component="button"
          label={t(entry.label)}
          leftSection={<entry.icon size={18} stroke={1.6} />}
          active={entry.id === section}
          aria-current={entry.id === section ? 'page' : undefined}
          onClick={() => onOpen(entry.id)}
          style={{ borderRadius: 'var(--mantine-radius-md)' }}
          data-testid={`nav-${entry.id}`}
        />
      ))}
    </Stack>
  );
}
