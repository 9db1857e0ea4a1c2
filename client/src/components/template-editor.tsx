import { jinja } from '@codemirror/lang-jinja';
import { EditorState } from '@codemirror/state';
import { Decoration, EditorView, MatchDecorator, ViewPlugin, placeholder as placeholderExt, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useId, useRef } from 'react';

const variableMark = Decoration.mark({ class: 'cm-pf-variable' });
const variableMatcher = new MatchDecorator({ regexp: /\{\{[\s\S]*?\}\}/g, decoration: () => variableMark });

/** Highlights every `{{ expression }}` so variables stand out from prose. */
const variableHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = variableMatcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = variableMatcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

export interface TemplateEditorProps {
  label: string;
  value: string;
  onChange?: (value: string) => void;
  readOnly?: boolean;
  placeholder?: string;
  minHeight?: string;
  hideLabel?: boolean;
}

/**
 * A CodeMirror 6 Jinja editor (bundled, no workers) with a visible label tied to its textbox, and
 * `{{ variable }}` highlighting. Shared by the prompt registry and the playground; only the lazily
 * loaded pages import it, so CodeMirror stays out of the entry chunk.
 */
export function TemplateEditor({ label, value, onChange, readOnly = false, placeholder, minHeight = '10rem', hideLabel = false }: TemplateEditorProps) {
  const labelId = useId();
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          jinja(),
          variableHighlight,
          EditorView.lineWrapping,
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ 'aria-labelledby': labelId, 'aria-multiline': 'true', role: 'textbox', ...(readOnly ? { 'aria-readonly': 'true' } : {}) }),
          EditorView.theme({ '&': { minHeight, backgroundColor: 'white' }, '.cm-scroller': { minHeight } }),
          ...(placeholder ? [placeholderExt(placeholder)] : []),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      view.destroy();
      viewRef.current = null;
    };
    // The editor is created once per mount; `value` is synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readOnly, labelId]);

  useEffect(() => {
    const view = viewRef.current;
    if (view && value !== view.state.doc.toString()) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    }
  }, [value]);

  return (
    <div className="space-y-1">
      <span id={labelId} className={hideLabel ? 'sr-only' : 'block text-sm font-medium text-slate-700'}>
        {label}
      </span>
      <div ref={hostRef} data-testid="template-editor" className="overflow-hidden rounded-md ring-1 ring-slate-300" />
    </div>
  );
}
