/** Approve or reject one pending deployment, with an optional comment; shows why the server refused. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '@/api/api-error';
import { approveDeployment, deployKeys, gateFailure, rejectDeployment, type Deployment } from '@/api/deploy-queries';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { TextAreaField } from '@/components/form-field';
import { GateFailureAlert } from '@/components/gate-failure-alert';
import { toast } from '@/stores/toast-store';

export type Decision = 'approve' | 'reject';

export function DecisionDialog({
  projectId,
  deployment,
  decision,
  evaluationHref,
  onClose,
}: {
  projectId: string;
  deployment: Deployment;
  decision: Decision;
  evaluationHref: (id: string) => string;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: () => (decision === 'approve' ? approveDeployment : rejectDeployment)(projectId, deployment.id, comment.trim()),
    onSuccess: async (done) => {
      toast(done.status === 'approved' ? `Approved: ${done.label} of ${done.prompt} now points to v${done.to_version}.` : `Rejected: ${done.label} stays.`);
      onClose();
      // Approving moves a label: the prompt pages show it too.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: deployKeys.all(projectId) }),
        queryClient.invalidateQueries({ queryKey: ['projects', projectId, 'prompts'] }),
      ]);
    },
  });
  const failure = gateFailure(decide.error);
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  return (
    <Dialog
      open
      title={`${verb} deployment`}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={decide.isPending}>
            Cancel
          </Button>
          <Button variant={decision === 'approve' ? 'primary' : 'danger'} onClick={() => decide.mutate()} loading={decide.isPending} data-autofocus>
            {verb}
          </Button>
        </>
      }
    >
      <div className="space-y-3">
        <p>
          {verb} moving <strong className="font-mono">{deployment.label}</strong> of <span className="font-mono">{deployment.prompt}</span> from{' '}
          <strong>{deployment.from_version ? `v${deployment.from_version}` : 'not set'}</strong> to <strong>v{deployment.to_version}</strong>, requested by{' '}
          {deployment.requested_by}?{decision === 'approve' && ' The evaluation rule is checked again before the label moves.'}
        </p>
        <TextAreaField label="Comment (optional)" rows={2} maxLength={1000} value={comment} onChange={(e) => setComment(e.target.value)} />
        {failure ? <GateFailureAlert failure={failure} evaluationHref={evaluationHref} /> : decide.isError ? <Alert>{errorMessage(decide.error)}</Alert> : null}
      </div>
    </Dialog>
  );
}
