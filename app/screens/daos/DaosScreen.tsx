// The DAOs section of the shell: the list, the create form, one DAO, or one of its proposals.
import { useNavigation } from '../../shell/navigation.tsx';
import { CreateDaoScreen } from './create/CreateDaoScreen.tsx';
import { DaoHomeScreen } from './home/DaoHomeScreen.tsx';
import { DaoListScreen } from './list/DaoListScreen.tsx';
import { ProposalScreen } from './proposal/ProposalScreen.tsx';

export function DaosScreen() {
  const { route } = useNavigation();
  switch (route.screen) {
    case 'dao-create':
      return <CreateDaoScreen />;
    case 'dao':
      return <DaoHomeScreen key={route.dao} dao={route.dao} />;
    case 'proposal':
      return <ProposalScreen key={route.proposal} dao={route.dao} proposal={route.proposal} />;
    default:
      return <DaoListScreen />;
  }
}
