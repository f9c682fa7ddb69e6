// A small state-based router: which screen of the shell is showing, and a way for any screen to move.
// A route can carry ids (a DAO, a proposal); the shell mirrors it in the URL's fragment, so a reload or
// the browser's back button (in web mode) lands on the same screen.
import { createContext, useContext } from 'react';

/** The nav sections; every route belongs to one. */
export type SectionId = 'home' | 'daos' | 'settings';

export type Route =
  | { screen: 'home' }
  | { screen: 'settings' }
  | { screen: 'daos' }
  | { screen: 'dao-create' }
  | { screen: 'dao'; dao: string }
  | { screen: 'proposal'; dao: string; proposal: string };

export function sectionOf(route: Route): SectionId {
  switch (route.screen) {
    case 'home':
    case 'settings':
      return route.screen;
    case 'daos':
    case 'dao-create':
    case 'dao':
    case 'proposal':
      return 'daos';
  }
}

export interface Navigation {
  route: Route;
  navigate: (route: Route) => void;
}

export const NavigationContext = createContext<Navigation | null>(null);

export function useNavigation(): Navigation {
  const navigation = useContext(NavigationContext);
  if (!navigation) throw new Error('useNavigation needs the app shell above it');
  return navigation;
}
