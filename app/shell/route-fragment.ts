// A route written as the URL's fragment (#/daos/ID/proposals/ID) and read back. Web mode also uses the
// fragment once, for `#secret=`; that is taken out of the URL before the shell starts, and any fragment
// that is not a route reads as home.
import { RecordId } from '../../core/bridge/api.ts';
import type { Route } from './navigation.tsx';

export function routeToFragment(route: Route): string {
  switch (route.screen) {
    case 'home':
      return '#/';
    case 'settings':
      return '#/settings';
    case 'daos':
      return '#/daos';
    case 'dao-create':
      return '#/daos/new';
    case 'dao':
      return `#/daos/${route.dao}`;
    case 'proposal':
      return `#/daos/${route.dao}/proposals/${route.proposal}`;
  }
}

export function routeFromFragment(fragment: string): Route {
  const parts = fragment.replace(/^#\/?/, '').split('/').filter((part) => part.length > 0);
  const isId = (value: string | undefined): value is string => RecordId.safeParse(value).success;
  const [first, dao, third, proposal] = parts;
  if (first === 'settings' && parts.length === 1) return { screen: 'settings' };
  if (first !== 'daos') return { screen: 'home' };
  if (parts.length === 1) return { screen: 'daos' };
  if (dao === 'new' && parts.length === 2) return { screen: 'dao-create' };
  if (!isId(dao)) return { screen: 'daos' };
  if (parts.length === 2) return { screen: 'dao', dao };
  if (third === 'proposals' && isId(proposal) && parts.length === 4) return { screen: 'proposal', dao, proposal };
  return { screen: 'dao', dao };
}
