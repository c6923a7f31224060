// Error texts for people, in the interface's language: by the error's stable code, never
// the server's English message in the Chinese interface (the English one adds it as detail).
import { formatDateTime } from '../format';
import type { MsgKey, Translate } from './index';

export interface ErrorLike {
  code: string;
  message?: string;
  field?: string;
  until?: number;
  /** the message came from the server (local errors have no useful detail) */
  fromServer?: boolean;
}

export function errorMessage(t: Translate, e: ErrorLike): string {
  // a mute says until when, in local time
  if (e.code === 'forbidden' && e.until) return t('chat.muted', { time: formatDateTime(e.until) });
  const key = `err.${e.code}` as MsgKey;
  const base = t(key) === key ? t('common.error') : t(key);
  const field = e.field ? ' ' + t('err.field', { field: e.field }) : '';
  const detail = t.lang === 'en' && e.fromServer && e.message && e.code !== 'unauthorized' ? `: ${e.message}` : '';
  return base + field + detail;
}
