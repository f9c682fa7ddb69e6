// Every screen of the shell, in nav order. Adding a screen is adding an entry here.
import { IconHome, IconSettings, type Icon } from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { HomeScreen } from '../screens/home/HomeScreen.tsx';
import { SettingsScreen } from '../screens/settings/SettingsScreen.tsx';
import type { RouteId } from './navigation.tsx';

export interface RouteEntry {
  id: RouteId;
  label: 'nav.home' | 'nav.settings';
  icon: Icon;
  Screen: ComponentType;
}

export const routes: readonly RouteEntry[] = [
  { id: 'home', label: 'nav.home', icon: IconHome, Screen: HomeScreen },
  { id: 'settings', label: 'nav.settings', icon: IconSettings, Screen: SettingsScreen },
];
