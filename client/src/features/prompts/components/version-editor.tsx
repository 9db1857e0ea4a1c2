import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorMessage } from '@/api/api-error';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { TextField } from '@/components/form-field';
import { TemplateEditor } from '@/components/template-editor';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';
import { toast } from '@/stores/toast-store';
import { createVersion, promptKeys, versionCreateSchema, type ChatMessage, type PromptKind, type PromptVersion, type Template, promptFieldMessages } from '../api/prompts-api';
import { ChatMessagesEditor } from './chat-messages-editor';
import { parseModelConfig } from '../lib/model-config';
import { ModelConfigField } from './model-config-field';
import { VariableList } from './variable-list';

/** Edit the shown version and save the result as a new immutable version. */
export function VersionEditor({
  projectId,
  name,
  kind,
  base,
  latest,
  canEdit,
  onSaved,
}: {
  projectId: string;
  name: string;
  kind: PromptKind;
  base: PromptVersion;
  latest: number;
  canEdit: boolean;
  onSaved: (version: PromptVersion) => void;
}) {
  const queryClient = useQueryClient();
  const [template, setTemplate] = useState<Template>(base.template);
  const [modelConfig, setModelConfig] = useState(base.model_config && Object.keys(base.model_config).length > 0 ? JSON.stringify(base.model_config, null, 2) : '');
  const [commitMessage, setCommitMessage] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  const save = useMutation({
    mutationFn: (body: Parameters<typeof createVersion>[2]) => createVersion(projectId, name, body),
    onSuccess: async (version) => {
      if (version.number <= latest) toast(`No changes: v${version.number} already has this content.`);
      else toast(`Saved v${version.number}.`);
      setCommitMessage('');
      setErrors({});
      await queryClient.invalidateQueries({ queryKey: promptKeys.detail(projectId, name) });
      await queryClient.invalidateQueries({ queryKey: promptKeys.all(projectId) });
      onSaved(version);
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const config = parseModelConfig(modelConfig);
    const result = validate(versionCreateSchema, {
      template,
      variables: base.variables,
      model_config: config.value ?? {},
      commit_message: commitMessage.trim() || undefined,
    }, promptFieldMessages);
    const fieldErrors = { ...(result.errors ?? {}), ...(config.error ? { model_config: config.error } : {}) };
    if (Object.keys(fieldErrors).length > 0 || !result.data) return setErrors(fieldErrors);
    save.mutate(result.data);
  };

  const readOnly = !canEdit;
  return (
    <form onSubmit={submit} noValidate className="space-y-4 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      {base.number !== latest && (
        <Alert tone="info">You are viewing v{base.number}. Saving creates v{latest + 1} from this content.</Alert>
      )}
      {save.isError && Object.keys(errors).length === 0 && <Alert>{errorMessage(save.error)}</Alert>}
      {kind === 'text' || typeof template === 'string' ? (
        <TemplateEditor label="Template" value={typeof template === 'string' ? template : ''} onChange={setTemplate} readOnly={readOnly} minHeight="14rem" />
      ) : (
        <ChatMessagesEditor messages={template as ChatMessage[]} onChange={(update) => setTemplate((current) => update(current as ChatMessage[]))} errors={errors} />
      )}
      {errors.template && <p className="text-xs text-red-600">{errors.template}</p>}
      <VariableList template={template} />
      {canEdit && (
        <>
          <ModelConfigField value={modelConfig} onChange={setModelConfig} error={errors.model_config} />
          <div className="flex flex-wrap items-end gap-3">
            <TextField label="Commit message" value={commitMessage} onChange={(e) => setCommitMessage(e.target.value)} error={errors.commit_message} containerClassName="min-w-64 flex-1" placeholder="What changed and why" />
            <Button type="submit" loading={save.isPending}>
              Save new version
            </Button>
          </div>
        </>
      )}
    </form>
  );
}
