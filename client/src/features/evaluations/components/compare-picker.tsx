import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { SelectField } from '@/components/form-field';
import { formatDateTime } from '@/lib/format';
import { paths } from '@/lib/paths';
import { recentEvaluationsQueryOptions } from '../api/evaluation-results-api';

/** Pick another evaluation of the project as the baseline ("before") and open the comparison. */
export function ComparePicker({ workspaceId, projectId, evaluationId }: { workspaceId: string; projectId: string; evaluationId: string }) {
  const list = useQuery(recentEvaluationsQueryOptions(projectId));
  const others = (list.data?.items ?? []).filter((e) => e.id !== evaluationId);
  const [chosen, setChosen] = useState('');
  const navigate = useNavigate();
  const against = chosen || others[0]?.id || '';
  if (list.isSuccess && others.length === 0) return null;
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (against) void navigate(paths.compareEvaluations(workspaceId, projectId, evaluationId, against));
      }}
    >
      <SelectField
        label="Compare with"
        value={against}
        onChange={(e) => setChosen(e.target.value)}
        options={others.map((e) => ({ value: e.id, label: `${e.name} · ${formatDateTime(e.created_at)}` }))}
        containerClassName="w-72 max-w-full"
        disabled={!list.isSuccess}
      />
      <Button type="submit" variant="secondary" disabled={!against}>
        Compare
      </Button>
    </form>
  );
}
