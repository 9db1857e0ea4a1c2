import { jinja } from '@codemirror/lang-jinja';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useId, useRef } from 'react';

export interface DraftEditorProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  minHeight?: string;
}

/** A CodeMirror 6 Jinja editor for the playground draft; its textbox is named by a visible label. */
export function DraftEditor({ label, value, onChange, minHeight = '8rem' }: DraftEditorProps) {
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
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-labelledby': labelId, 'aria-multiline': 'true', role: 'textbox' }),
          EditorView.theme({ '&': { minHeight, backgroundColor: 'white' }, '.cm-scroller': { minHeight } }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      view.destroy();
      viewRef.current = null;
    };
    // Created once per mount; `value` is synced below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labelId]);

  useEffect(() => {
    const view = viewRef.current;
    if (view && value !== view.state.doc.toString()) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
  }, [value]);

  return (
    <div className="space-y-1">
      <span id={labelId} className="block text-sm font-medium text-slate-700">
        {label}
      </span>
      <div ref={hostRef} className="overflow-hidden rounded-md ring-1 ring-slate-300" />
    </div>
  );
}
