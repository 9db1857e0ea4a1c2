import { Link, useParams } from 'react-router';
import { useScope } from '@/hooks/use-scope';
import { paths } from '@/lib/paths';
import { EvaluationRunHeader } from './components/run-header';

/**
 * The evaluation's page: the live run header. The results matrix, charts, compare and downloads
 * are built on branch h/evalresults, which replaces this file.
 */
export function EvaluationDetailPage() {
  const { workspaceId, projectId } = useScope();
  const { evaluationId } = useParams();
  if (!evaluationId) return null;
  return (
    <div>
      <p className="mb-3 text-sm">
        <Link to={paths.evaluations(workspaceId, projectId)} className="text-indigo-700 hover:underline">
          ← Evaluations
        </Link>
      </p>
      <EvaluationRunHeader key={evaluationId} evaluationId={evaluationId} />
    </div>
  );
}
