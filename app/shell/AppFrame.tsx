// The shell around every screen once the identity is unlocked: header with the app's name, nav, content (under
// a reminder while the recovery phrase is not backed up).
import { AppShell, Burger, Group, NavLink, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppMark } from '../layout/AppMark.tsx';
import { useScreenFocus } from '../layout/screen-focus.tsx';
import { BackupReminder } from './BackupReminder.tsx';
import { NavigationContext, sectionOf, type Route } from './navigation.tsx';
import { routeFromFragment, routeToFragment } from './route-fragment.ts';
import { routes } from './routes.tsx';
import { ScreenErrorBoundary } from './ScreenErrorBoundary.tsx';

export function AppFrame() {
  const { t } = useTranslation();
  const [navOpen, { toggle: toggleNav, close: closeNav }] = useDisclosure(false);
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

  return (
    <NavigationContext value={{ route, navigate }}>
      <AppShell
        header={{ height: 56 }}
        navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
        padding={{ base: 'md', sm: 'xl' }}
      >
        <AppShell.Header>
          <Group h="100%" px="md" gap="sm">
            <Burger opened={navOpen} onClick={toggleNav} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} />
            <AppMark />
            <Title order={4} component="span">
              {t('app.name')}
            </Title>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm">
          {routes.map((entry) => (
            <NavLink
              key={entry.id}
              component="button"
              label={t(entry.label)}
              leftSection={<entry.icon size={18} stroke={1.6} />}
              active={entry.id === section}
              aria-current={entry.id === section ? 'page' : undefined}
              onClick={() => navigate({ screen: entry.id })}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
              data-testid={`nav-${entry.id}`}
            />
          ))}
        </AppShell.Navbar>
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
