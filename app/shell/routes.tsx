// Every screen of the shell, in nav order. Adding a screen is adding an entry here.
import { IconHome, IconSettings, IconUsersGroup, type Icon } from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { DaosScreen } from '../screens/daos/DaosScreen.tsx';
import { HomeScreen } from '../screens/home/HomeScreen.tsx';
import { SettingsScreen } from '../screens/settings/SettingsScreen.tsx';
import type { SectionId } from './navigation.tsx';

export interface RouteEntry {
  id: SectionId;
  label: 'nav.home' | 'nav.daos' | 'nav.settings';
  icon: Icon;
  Screen: ComponentType;
}

export const routes: readonly RouteEntry[] = [
  { id: 'home', label: 'nav.home', icon: IconHome, Screen: HomeScreen },
  { id: 'daos', label: 'nav.daos', icon: IconUsersGroup, Screen: DaosScreen },
  { id: 'settings', label: 'nav.settings', icon: IconSettings, Screen: SettingsScreen },
];
