import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ProtoError } from '../proto/client';
import { hueOf, initial, usableImageSrc } from '../format';
import { useI18n, type MsgKey, type Translate } from '../i18n';
import { errorMessage } from '../i18n/errors';
import type { Presence } from '../proto/types';

/** A readable text for an error, by its code (the server's own words only in English). */
export function errorText(t: Translate, e: unknown): string {
  if (e instanceof ProtoError) return errorMessage(t, e);
  return t('common.error');
}

/** Avatar: an image when the reference is a same-origin or data: URL (the CSP allows no others), else a letter. */
export function Avatar({ name, id, src, size = 'md', presence }: { name: string; id: number; src?: string; size?: 'sm' | 'md' | 'lg'; presence?: Presence }) {
  const usable = usableImageSrc(src, window.location.href);
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true" data-hue={hueOf(id) % 12}>
      {usable ? <img src={src} alt="" /> : <span className="avatar-letter">{initial(name)}</span>}
      {presence && <span className={`presence-dot presence-${presence}`} />}
    </span>
  );
}

export function PresenceLabel({ presence }: { presence: Presence }) {
  const { t } = useI18n();
  return <span className={`presence-label presence-text-${presence}`}>{t(`presence.${presence}` as MsgKey)}</span>;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A modal dialog: labelled, focus kept inside, Escape closes, focus returns to where it was. */
export function Modal({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>('[data-autofocus]') ?? el?.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    // Escape closes the topmost dialog even when focus has left it (e.g. a disabled button)
    const onDocKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const open = document.querySelectorAll('[role="dialog"][aria-modal="true"]');
      if (open[open.length - 1] === ref.current) {
        e.preventDefault();
        closeRef.current();
      }
    };
    document.addEventListener('keydown', onDocKey);
    return () => {
      document.removeEventListener('keydown', onDocKey);
      prev?.focus?.();
    };
  }, []);
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Tab' && ref.current) {
      const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
      if (!items.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  return (
    <div
      className="modal-backdrop"
      // not the second press of a double click that opened the dialog with its first
      onMouseDown={(e) => e.target === e.currentTarget && e.detail < 2 && onClose()}
    >
      <div className={`modal${wide ? ' modal-wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby={titleId} ref={ref} onKeyDown={onKeyDown}>
        <div className="modal-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-btn" aria-label={t('common.close')} onClick={onClose}>
            ×
          </button>
        </div>
        <div className="modal-body">{children}</div>
      </div>
    </div>
  );
}

/** A side panel beside the chat: labelled by its title, with a close button. */
export function SidePanel({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <aside className="side-panel" aria-label={title}>
      <div className="side-head">
        <h3>{title}</h3>
        <button type="button" className="icon-btn" aria-label={t('common.close')} onClick={onClose}>
          ×
        </button>
      </div>
      {children}
    </aside>
  );
}

/** A dialog's button to a chat: closes the dialog, then opens the chat. */
export function OpenChatButton({ label, onClose, onOpen }: { label: string; onClose: () => void; onOpen: () => void }) {
  return (
    <button
      type="button"
      className="primary"
      onClick={() => {
        onClose();
        onOpen();
      }}
    >
      {label}
    </button>
  );
}

/** A dialog's search: the query and a Find button, then the search's error. */
export function SearchForm({ label, query, onQuery, busy, error, onSubmit }: { label: string; query: string; onQuery: (q: string) => void; busy: boolean; error: string; onSubmit: (e: FormEvent) => void }) {
  const { t } = useI18n();
  return (
    <>
      <form className="form inline-form" onSubmit={onSubmit} role="search">
        <label className="grow">
          {label}
          <input value={query} onChange={(e) => onQuery(e.target.value)} required maxLength={64} data-autofocus />
        </label>
        <button type="submit" disabled={busy}>
          {t('add.find')}
        </button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
    </>
  );
}

/** A confirmation dialog. */
export function Confirm({ text, onConfirm, onClose, danger }: { text: string; onConfirm: () => Promise<void> | void; onClose: () => void; danger?: boolean }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  return (
    <Modal title={t('common.confirm')} onClose={onClose}>
      <p>{text}</p>
      {err && <p className="error" role="alert">{err}</p>}
      <div className="actions">
        <button type="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className={danger ? 'danger' : 'primary'}
          disabled={busy}
          data-autofocus
          onClick={async () => {
            setBusy(true);
            try {
              await onConfirm();
              onClose();
            } catch (e) {
              setErr(errorText(t, e));
              setBusy(false);
            }
          }}
        >
          {t('common.confirm')}
        </button>
      </div>
    </Modal>
  );
}

/** Runs an async action, tracking busy and error text. */
/**
 * Draws the calling component again once the earliest of `times` (ms since the epoch)
 * that is still ahead has passed: a mute that ends by itself shows as ended.
 */
export function useRedrawWhenPassed(times: number[]): void {
  const [, redraw] = useState(0);
  const now = Date.now();
  const next = times.filter((t) => t > now).reduce((a, b) => Math.min(a, b), Infinity);
  useEffect(() => {
    if (next === Infinity) return;
    // timers are capped at ~24 days
    const timer = setTimeout(() => redraw((n) => n + 1), Math.min(next - Date.now() + 50, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [next]);
}

export function useAction() {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const run = async (f: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError('');
    try {
      await f();
      return true;
    } catch (e) {
      setError(errorText(t, e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
