import { NavLink, Outlet } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { cn } from '@/lib/cn';

const TABS = [
  { to: 'members', label: 'Members' },
  { to: 'projects', label: 'Projects' },
  { to: 'api-keys', label: 'API keys' },
  { to: 'providers', label: 'Providers' },
  { to: 'deploy-policy', label: 'Deploy policy' },
  { to: 'webhooks', label: 'Webhooks' },
  { to: 'audit-log', label: 'Audit log' },
  { to: 'account', label: 'Your account' },
] as const;

export function SettingsLayout() {
  return (
    <div>
      <PageHeader title="Settings" description="Workspace members, projects, API keys, LLM providers, deploy policy and webhooks of this project, the audit log, and your account." />
      <nav aria-label="Settings" className="mb-6 flex flex-wrap gap-1 border-b border-slate-200">
        {TABS.map((t) => (
          <NavLink
            key={t.to}
            to={t.to}
            className={({ isActive }) =>
              cn('-mb-px border-b-2 px-3 py-2 text-sm font-medium', isActive ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-600 hover:text-slate-900')
            }
          >
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
