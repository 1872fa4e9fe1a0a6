/**
 * `ValueEditor`: a model value as JSON, editable: `Set` writes the edited
 * JSON at the path with `model.set` (through the same checks as any write:
 * schema, and the server's rules for a synced document).
 */
import { useState, type ReactNode } from 'react';
import type { Model } from '../model/model.ts';
import { styles } from './devtools-styles.ts';

/** Props of `ValueEditor`. */
export interface ValueEditorProps {
  readonly model: Model;
  /** The path shown first (a document's, usually); the user may change it. */
  readonly path: string;
}

const asJson = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value, null, 2));

/** Shows and edits the value at a path (see the file's comment). */
export function ValueEditor({ model, path: initialPath }: ValueEditorProps): ReactNode {
  const [path, setPath] = useState(initialPath);
  const [draft, setDraft] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const current = asJson(model.get(path));

  const apply = (): void => {
    const text = draft ?? current;
    let value: unknown;
    try {
      value = text.trim() === '' ? undefined : JSON.parse(text);
    } catch (error) {
      setMessage({ text: `not JSON: ${error instanceof Error ? error.message : String(error)}`, error: true });
      return;
    }
    try {
      model.set(path, value, (error) => {
        if (error) setMessage({ text: `refused: ${error.message}`, error: true });
      });
      setDraft(null);
      setMessage({ text: `set ${path}`, error: false });
    } catch (error) {
      setMessage({ text: error instanceof Error ? error.message : String(error), error: true });
    }
  };

  return (
    <div data-testid="yracer-devtools-editor">
      <div style={{ display: 'flex', gap: 6, marginBottom: 6 }}>
        <input
          aria-label="path"
          style={{ ...styles.input, flex: 1 }}
          value={path}
          onChange={(event) => {
            setPath(event.target.value);
            setDraft(null);
          }}
        />
        <button type="button" style={styles.button} onClick={apply}>
          Set
        </button>
      </div>
      <textarea
        aria-label="value as JSON"
        spellCheck={false}
        style={{ ...styles.input, width: '100%', minHeight: 140, resize: 'vertical' }}
        value={draft ?? current}
        onChange={(event) => setDraft(event.target.value)}
      />
      {draft !== null && draft !== current ? <div style={styles.muted}>edited: Set writes it</div> : null}
      {message ? (
        <div role="status" style={message.error ? styles.error : styles.muted}>
          {message.text}
        </div>
      ) : null}
    </div>
  );
}
