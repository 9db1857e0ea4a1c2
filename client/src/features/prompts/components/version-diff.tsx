import { useQuery } from '@tanstack/react-query';
import { SelectField } from '@/components/form-field';
import { ErrorState, LoadingState } from '@/components/states';
import { templateToText } from '@/lib/template-variables';
import { versionQueryOptions } from '../api/prompts-api';
import { SideBySideDiff } from './side-by-side-diff';

function configText(config: Record<string, unknown> | null | undefined): string {
  return config && Object.keys(config).length > 0 ? `${JSON.stringify(config, null, 2)}\n` : '';
}

/** Side-by-side comparison of any two versions: template and model config. */
export function VersionDiff({
  projectId,
  name,
  latest,
  from,
  to,
  onChange,
}: {
  projectId: string;
  name: string;
  latest: number;
  from: number;
  to: number;
  onChange: (from: number, to: number) => void;
}) {
  const left = useQuery(versionQueryOptions(projectId, name, from));
  const right = useQuery(versionQueryOptions(projectId, name, to));
  const options = Array.from({ length: latest }, (_, i) => latest - i).map((n) => ({ value: String(n), label: `v${n}` }));

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap gap-3">
        <SelectField label="From version" value={String(from)} options={options} onChange={(e) => onChange(Number(e.target.value), to)} />
        <SelectField label="To version" value={String(to)} options={options} onChange={(e) => onChange(from, Number(e.target.value))} />
      </div>
      {left.isPending || right.isPending ? (
        <LoadingState />
      ) : left.isError || right.isError ? (
        <ErrorState error={left.error ?? right.error} onRetry={() => void Promise.all([left.refetch(), right.refetch()])} />
      ) : (
        <>
          <SideBySideDiff caption="Template" beforeTitle={`v${from}`} afterTitle={`v${to}`} before={`${templateToText(left.data.template)}\n`} after={`${templateToText(right.data.template)}\n`} />
          <SideBySideDiff caption="Model config" beforeTitle={`v${from}`} afterTitle={`v${to}`} before={configText(left.data.model_config)} after={configText(right.data.model_config)} />
        </>
      )}
    </div>
  );
}
