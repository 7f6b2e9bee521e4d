import { createContext, useContext } from 'react';
import type { Me } from './lib/api.js';
import { can, type Action } from './lib/roles.js';

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside the signed-in layout');
  return me;
}

/** Whether the signed-in role may perform an action (the API's role matrix). */
export function useCan(action: Action): boolean {
  return can(useContext(MeContext)?.role, action);
}
