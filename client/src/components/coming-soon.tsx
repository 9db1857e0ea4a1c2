import { PageHeader } from './page-header';

export function ComingSoon({ title }: { title: string }) {
  return (
    <div>
      <PageHeader title={title} />
      <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
        <p className="text-base font-semibold text-slate-800">Coming soon</p>
        <p className="mt-1 text-sm text-slate-500">{title} is on the roadmap and will appear here in a later release.</p>
      </div>
    </div>
  );
}
