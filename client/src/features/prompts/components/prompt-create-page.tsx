import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '@/api/api-error';
import { Alert } from '@/components/alert';
import { Button } from '@/components/button';
import { TextAreaField, TextField } from '@/components/form-field';
import { PageHeader } from '@/components/page-header';
import { TemplateEditor } from '@/components/template-editor';
import { useScope } from '@/hooks/use-scope';
import { serverFieldErrors, validate, type FieldErrors } from '@/lib/field-errors';
import { paths } from '@/lib/paths';
import { toast } from '@/stores/toast-store';
import { createPrompt, promptCreateSchema, promptKeys, type ChatMessage, type PromptKind, promptFieldMessages } from '../api/prompts-api';
import { ChatMessagesEditor } from './chat-messages-editor';
import { parseModelConfig } from '../lib/model-config';
import { ModelConfigField } from './model-config-field';
import { VariableList } from './variable-list';

export function PromptCreatePage() {
  const { workspaceId, projectId } = useScope();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<PromptKind>('text');
  const [description, setDescription] = useState('');
  const [tags, setTags] = useState('');
  const [text, setText] = useState('');
  const [messages, setMessages] = useState<ChatMessage[]>([
    { role: 'system', content: '' },
    { role: 'user', content: '' },
  ]);
  const [modelConfig, setModelConfig] = useState('');
  const [commitMessage, setCommitMessage] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  const create = useMutation({
    mutationFn: (body: Parameters<typeof createPrompt>[1]) => createPrompt(projectId, body),
    onSuccess: async (prompt) => {
      toast(`Prompt ${prompt.name} created.`);
      await queryClient.invalidateQueries({ queryKey: promptKeys.all(projectId) });
      void navigate(paths.prompt(workspaceId, projectId, prompt.name));
    },
    onError: (error) => setErrors(serverFieldErrors(error)),
  });

  const template = kind === 'text' ? text : messages;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const config = parseModelConfig(modelConfig);
    const result = validate(promptCreateSchema, {
      name,
      kind,
      description: description.trim() || undefined,
      tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
      template,
      model_config: config.value ?? undefined,
      commit_message: commitMessage.trim() || undefined,
    }, promptFieldMessages);
    const fieldErrors = { ...(result.errors ?? {}), ...(config.error ? { model_config: config.error } : {}) };
    if (Object.keys(fieldErrors).length > 0 || !result.data) return setErrors(fieldErrors);
    setErrors({});
    create.mutate(result.data);
  };

  return (
    <div className="max-w-4xl">
      <PageHeader
        title="New prompt"
        description={
          <Link to={paths.prompts(workspaceId, projectId)} className="text-indigo-600 hover:underline">
            ← All prompts
          </Link>
        }
      />
      <form onSubmit={submit} noValidate className="space-y-5 rounded-lg bg-white p-5 ring-1 ring-slate-200">
        {create.isError && Object.keys(errors).length === 0 && <Alert>{errorMessage(create.error)}</Alert>}
        <div className="grid gap-4 md:grid-cols-2">
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} hint="e.g. support.reply — used by applications to fetch it." autoFocus />
          <fieldset>
            <legend className="block text-sm font-medium text-slate-700">Kind</legend>
            <div className="mt-2 flex gap-4 text-sm">
              {(['text', 'chat'] as const).map((k) => (
                <label key={k} className="flex items-center gap-1.5">
                  <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
                  {k === 'text' ? 'Text' : 'Chat'}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        <TextAreaField label="Description" value={description} onChange={(e) => setDescription(e.target.value)} rows={2} error={errors.description} />
        <TextField label="Tags" value={tags} onChange={(e) => setTags(e.target.value)} hint="Comma-separated." error={errors.tags} />
        {kind === 'text' ? (
          <div className="space-y-2">
            <TemplateEditor label="Template" value={text} onChange={setText} placeholder="Write the prompt; use {{ variable }} for inputs." />
            {errors.template && <p className="text-xs text-red-600">{errors.template}</p>}
          </div>
        ) : (
          <div className="space-y-2">
            <ChatMessagesEditor messages={messages} onChange={setMessages} errors={errors} />
            {errors.template && <p className="text-xs text-red-600">{errors.template}</p>}
          </div>
        )}
        <VariableList template={template} />
        <ModelConfigField value={modelConfig} onChange={setModelConfig} error={errors.model_config} />
        <TextField label="Commit message" value={commitMessage} onChange={(e) => setCommitMessage(e.target.value)} error={errors.commit_message} placeholder="Initial version" />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => void navigate(paths.prompts(workspaceId, projectId))}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create prompt
          </Button>
        </div>
      </form>
    </div>
  );
}
