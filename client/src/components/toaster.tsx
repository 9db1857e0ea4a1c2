import { Link } from 'react-router';
import { useToastStore } from '@/stores/toast-store';
import { cn } from '@/lib/cn';

export function Toaster() {
  const toasts = useToastStore((s) => s.toasts);
  const dismiss = useToastStore((s) => s.dismiss);
  return (
    <div aria-live="polite" className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2">
      {toasts.map((t) => (
        <div
          key={t.id}
          role="status"
          className={cn(
            'pointer-events-auto flex items-start justify-between gap-2 rounded-md px-3 py-2 text-sm shadow-lg ring-1',
            t.tone === 'success' ? 'bg-emerald-50 text-emerald-900 ring-emerald-200' : 'bg-red-50 text-red-900 ring-red-200',
          )}
        >
          <span>
            {t.message}
            {t.link && (
              <>
                {' '}
                <Link to={t.link.to} className="font-medium underline" onClick={() => dismiss(t.id)}>
                  {t.link.label}
                </Link>
              </>
            )}
          </span>
          <button type="button" className="text-xs opacity-70 hover:opacity-100" onClick={() => dismiss(t.id)} aria-label="Dismiss notification">
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
