import { Button } from '@/components/button';
import { TemplateEditor } from '@/components/template-editor';
import type { ChatMessage } from '../api/prompts-api';

const ROLE_OPTIONS = ['system', 'user', 'assistant', 'placeholder'] as const;

export interface ChatMessagesEditorProps {
  messages: ChatMessage[];
  /** Receives an updater, so quick successive edits of different messages never overwrite each other. */
  onChange: (update: (messages: ChatMessage[]) => ChatMessage[]) => void;
  errors?: Record<string, string>;
}

/** Chat templates as role-tagged blocks: each message has a role and a Jinja body (or a placeholder name). */
export function ChatMessagesEditor({ messages, onChange, errors = {} }: ChatMessagesEditorProps) {
  const update = (index: number, message: ChatMessage) => onChange((current) => current.map((m, i) => (i === index ? message : m)));
  const move = (index: number, delta: number) =>
    onChange((current) => {
      const target = index + delta;
      if (target < 0 || target >= current.length) return current;
      const next = [...current];
      [next[index], next[target]] = [next[target]!, next[index]!];
      return next;
    });
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">Messages</legend>
      {messages.map((message, index) => {
        const n = index + 1;
        return (
          <div key={index} className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3" data-testid="chat-message">
            <div className="flex flex-wrap items-center gap-2">
              <label className="text-xs font-semibold tracking-wide text-slate-600 uppercase" htmlFor={`chat-role-${index}`}>
                Role of message {n}
              </label>
              <select
                id={`chat-role-${index}`}
                value={message.role}
                onChange={(e) => {
                  const role = e.target.value as ChatMessage['role'];
                  if (role === 'placeholder') update(index, { role, name: message.role === 'placeholder' ? message.name : 'history' });
                  else update(index, { role, content: message.role === 'placeholder' ? '' : message.content });
                }}
                className="rounded-md border-0 py-1 pr-8 pl-2 text-sm ring-1 ring-slate-300"
              >
                {ROLE_OPTIONS.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <span className="flex-1" />
              <Button variant="ghost" size="sm" onClick={() => move(index, -1)} disabled={index === 0} aria-label={`Move message ${n} up`}>
                ↑
              </Button>
              <Button variant="ghost" size="sm" onClick={() => move(index, 1)} disabled={index === messages.length - 1} aria-label={`Move message ${n} down`}>
                ↓
              </Button>
              <Button variant="ghost" size="sm" onClick={() => onChange((current) => current.filter((_, i) => i !== index))} disabled={messages.length === 1} aria-label={`Remove message ${n}`}>
                Remove
              </Button>
            </div>
            {message.role === 'placeholder' ? (
              <div className="space-y-1">
                <label htmlFor={`chat-placeholder-${index}`} className="block text-sm font-medium text-slate-700">
                  Placeholder variable of message {n}
                </label>
                <input
                  id={`chat-placeholder-${index}`}
                  value={message.name}
                  onChange={(e) => update(index, { role: 'placeholder', name: e.target.value })}
                  className="w-full rounded-md border-0 px-3 py-1.5 font-mono text-sm ring-1 ring-slate-300"
                />
                <p className="text-xs text-slate-500">Filled at render time with a list of messages.</p>
              </div>
            ) : (
              <TemplateEditor label={`Content of message ${n}`} value={message.content} onChange={(content) => update(index, { role: message.role, content })} minHeight="4rem" />
            )}
            {(errors[`template.${index}.content`] ?? errors[`template.${index}.name`] ?? errors[`template.${index}`]) && (
              <p className="text-xs text-red-600">{errors[`template.${index}.content`] ?? errors[`template.${index}.name`] ?? errors[`template.${index}`]}</p>
            )}
          </div>
        );
      })}
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" size="sm" onClick={() => onChange((current) => [...current, { role: 'user', content: '' }])}>
          Add message
        </Button>
        <Button variant="secondary" size="sm" onClick={() => onChange((current) => [...current, { role: 'placeholder', name: 'history' }])}>
          Add placeholder
        </Button>
      </div>
    </fieldset>
  );
}
