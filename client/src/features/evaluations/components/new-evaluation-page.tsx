import { PageHeader } from '@/components/page-header';

/** The new-evaluation form (in progress on this branch). */
export function NewEvaluationPage() {
  return <PageHeader title="New evaluation" />;
}
