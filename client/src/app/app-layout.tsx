import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { isApiError } from '@/api/api-error';
import { meQueryOptions, projectQueryOptions } from '@/api/session-queries';
import { Button } from '@/components/button';
import { ErrorState } from '@/components/states';
import { Toaster } from '@/components/toaster';
import { useSignOut } from '@/features/auth/hooks/use-sign-out';
import { InvitationsBanner } from '@/features/invitations/components/invitations-banner';
import { useScope } from '@/hooks/use-scope';
import { cn } from '@/lib/cn';
import { useLastScopeStore } from '@/stores/last-scope-store';
import { ScopeSwitcher } from './scope-switcher';

const NAV = [
  { to: 'prompts', label: 'Prompts' },
  { to: 'playground', label: 'Playground' },
  { to: 'datasets', label: 'Datasets' },
  { to: 'evaluations', label: 'Evaluations' },
  { to: 'deployments', label: 'Deployments' },
  { to: 'settings', label: 'Settings' },
] as const;

/** The signed-in shell: sidebar with switchers and navigation, user menu, page outlet. */
export function AppLayout() {
  const { workspaceId, projectId } = useScope();
  const me = useQuery(meQueryOptions());
  const project = useQuery(projectQueryOptions(projectId));
  const signOut = useSignOut();
  const remember = useLastScopeStore((s) => s.remember);
  const forget = useLastScopeStore((s) => s.forget);
  const location = useLocation();
  // The narrow-window menu is open for the page it was opened on; navigating closes it.
  const [menuPath, setMenuPath] = useState<string | null>(null);
  const menuOpen = menuPath === location.pathname;
  useEffect(() => {
    if (project.isSuccess) remember({ workspaceId, projectId });
    if (project.isError && isApiError(project.error) && project.error.status === 404) forget();
  }, [project.isSuccess, project.isError, project.error, workspaceId, projectId, remember, forget]);

  const base = `/w/${workspaceId}/p/${projectId}`;
  return (
    <div className="min-h-screen md:flex">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 md:hidden">
        <span className="font-semibold">Prompt-Forge</span>
        <Button variant="secondary" size="sm" aria-expanded={menuOpen} aria-controls="sidebar" onClick={() => setMenuPath(menuOpen ? null : location.pathname)}>
          {menuOpen ? 'Close menu' : 'Menu'}
        </Button>
      </header>
      <aside
        id="sidebar"
        className={cn(
          'w-full shrink-0 flex-col border-r border-slate-200 bg-white md:flex md:min-h-screen md:w-64',
          menuOpen ? 'flex' : 'hidden',
        )}
      >
        <div className="hidden items-center gap-2 px-5 pt-5 md:flex">
          <img src="/favicon.svg" alt="" className="size-7" />
          <span className="text-base font-semibold">Prompt-Forge</span>
        </div>
        <div className="px-5 pt-5">
          <ScopeSwitcher workspaceId={workspaceId} projectId={projectId} />
        </div>
        <nav aria-label="Main" className="mt-6 flex-1 px-3">
          <ul className="space-y-1">
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink
                  to={`${base}/${item.to}`}
                  className={({ isActive }) =>
                    cn(
                      'block rounded-md px-3 py-2 text-sm font-medium',
                      isActive ? 'bg-indigo-50 text-indigo-700' : 'text-slate-700 hover:bg-slate-100',
                    )
                  }
                >
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="border-t border-slate-200 px-5 py-4">
          <p className="truncate text-sm font-medium text-slate-900" title={me.data?.user.email}>
            {me.data?.user.display_name ?? '…'}
          </p>
          <p className="truncate text-xs text-slate-500">{me.data?.user.email}</p>
          <Button variant="secondary" size="sm" className="mt-3 w-full" onClick={() => signOut.mutate()} loading={signOut.isPending}>
            Sign out
          </Button>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-4 py-6 md:px-8">
        <InvitationsBanner />
        {project.isError ? <ErrorState error={project.error} onRetry={() => void project.refetch()} /> : <Outlet />}
      </main>
      <Toaster />
    </div>
  );
}
