// Who an alert can be assigned to, as the caller may know it: every active user of the tenant for roles that read
// users (GET /api/v1/users is admin-only), otherwise only the caller ("assign to me").
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { get } from '../../lib/api.js';
import { useCan, useMe } from '../../auth.js';

interface UserRow {
  id: number;
  email: string;
  name?: string | null;
  assetGroups: number[];
  disabledAt?: string;
}

export interface Assignee {
  id: number;
  label: string;
}

export interface Assignees {
  /** The caller's user id; undefined for a caller that is no user (a bearer token). */
  meId: number | undefined;
  /** Users the caller may pick; just the caller when the role may not list users. */
  options: Assignee[];
  /** Whether `options` is the tenant's full list. */
  full: boolean;
  /** A display name for a user id (from the list, or the name the alert carries). */
  nameOf(id: number | null, fallback?: string | null): string | undefined;
}

export function useAssignees(): Assignees {
  const me = useMe();
  const canList = useCan('user.read');
  const users = useQuery({ queryKey: ['users'], queryFn: () => get<{ items: UserRow[] }>('/api/v1/users'), enabled: canList, staleTime: 60_000 });
  return useMemo(() => {
    const meId = me.user?.id;
    const label = (u: { email: string; name?: string | null }) => u.name || u.email;
    // The API refuses disabled users and users limited to asset groups (they may not read alerts).
    const listed = (users.data?.items ?? []).filter((u) => !u.disabledAt && u.assetGroups.length === 0).map((u) => ({ id: u.id, label: label(u) }));
    const mine = me.user ? [{ id: me.user.id, label: label(me.user) }] : [];
    const options = canList && users.data ? listed : mine;
    const names = new Map([...(users.data?.items ?? []).map((u) => [u.id, label(u)] as const), ...mine.map((m) => [m.id, m.label] as const)]);
    return {
      meId,
      options,
      full: canList && !!users.data,
      nameOf: (id, fallback) => (id === null ? undefined : fallback || names.get(id) || `#${id}`),
    };
  }, [me.user, canList, users.data]);
}

/** "user:7" → the user's name when known; other actors (tokens) as they are. */
export function actorName(actor: string, a: Assignees): string {
  const m = /^user:(\d+)$/.exec(actor);
  return m ? (a.nameOf(Number(m[1])) ?? actor) : actor;
}
