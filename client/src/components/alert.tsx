import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

/** An inline message; errors are announced to assistive technology. */
export function Alert({ tone = 'error', title, children }: { tone?: 'error' | 'info' | 'success' | 'warning'; title?: string; children?: ReactNode }) {
  const tones = {
    error: 'bg-red-50 text-red-800 ring-red-200',
    info: 'bg-sky-50 text-sky-800 ring-sky-200',
    success: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
    warning: 'bg-amber-50 text-amber-900 ring-amber-200',
  } as const;
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={cn('rounded-md p-3 text-sm ring-1 ring-inset', tones[tone])}>
      {title && <p className="font-semibold">{title}</p>}
      {children && <div className={title ? 'mt-1' : undefined}>{children}</div>}
    </div>
  );
}
