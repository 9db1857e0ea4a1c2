/** The last opened workspace and project, so `/` reopens it. UI preference only, never credentials. */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

interface LastScope {
  workspaceId: string;
  projectId: string;
}

interface LastScopeState {
  last: LastScope | null;
  remember: (scope: LastScope) => void;
  forget: () => void;
}

export const useLastScopeStore = create<LastScopeState>()(
  persist(
    (set) => ({
      last: null,
      remember: (scope) => set({ last: scope }),
      forget: () => set({ last: null }),
    }),
    { name: 'pf-last-scope' },
  ),
);
