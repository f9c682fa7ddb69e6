// A small state-based router: which screen of the shell is showing, and a way for any screen to move.
// Screens are few and have no deep links yet; when DAOs and proposals arrive, a route can carry ids.
import { createContext, useContext } from 'react';

export type RouteId = 'home' | 'settings';

export interface Navigation {
  route: RouteId;
  navigate: (route: RouteId) => void;
}

export const NavigationContext = createContext<Navigation | null>(null);

export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error('useNavigation needs the app shell above it');
  return navigation;
}
