import { useMemo } from 'react';
import { cn } from '@/lib/cn';
import { sideBySideRows } from '../lib/side-by-side';

export function SideBySideDiff({ before, after, beforeTitle, afterTitle, caption }: { before: string; after: string; beforeTitle: string; afterTitle: string; caption: string }) {
  const rows = useMemo(() => sideBySideRows(before, after), [before, after]);
  const changed = rows.some((r) => r.left?.kind === 'removed' || r.right?.kind === 'added');
  return (
    <div className="relative overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
      <table className="w-full table-fixed border-collapse font-mono text-xs" aria-label={caption}>
        <caption className="border-b border-slate-200 px-3 py-2 text-left font-sans text-sm font-semibold text-slate-800">
          {caption}
          {!changed && <span className="ml-2 font-normal text-slate-500">(no changes)</span>}
        </caption>
        <thead>
          <tr className="bg-slate-50 font-sans text-slate-600">
            <th scope="col" className="w-10" />
            <th scope="col" className="px-2 py-1 text-left font-medium">{beforeTitle}</th>
            <th scope="col" className="w-10" />
            <th scope="col" className="px-2 py-1 text-left font-medium">{afterTitle}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} className="align-top">
              <td className="border-r border-slate-100 px-1 text-right text-slate-400 select-none">{row.left?.n ?? ''}</td>
              <td className={cn('px-2 break-words whitespace-pre-wrap', row.left?.kind === 'removed' && 'bg-red-50 text-red-900', !row.left && 'bg-slate-50')}>
                {row.left && (row.left.kind === 'removed' ? <del className="no-underline" aria-label={`removed: ${row.left.text}`}>{row.left.text || ' '}</del> : row.left.text || ' ')}
              </td>
              <td className="border-x border-slate-100 px-1 text-right text-slate-400 select-none">{row.right?.n ?? ''}</td>
              <td className={cn('px-2 break-words whitespace-pre-wrap', row.right?.kind === 'added' && 'bg-emerald-50 text-emerald-900', !row.right && 'bg-slate-50')}>
                {row.right && (row.right.kind === 'added' ? <ins className="no-underline" aria-label={`added: ${row.right.text}`}>{row.right.text || ' '}</ins> : row.right.text || ' ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
