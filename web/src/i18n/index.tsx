import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { en, type MsgKey } from './en';
import { zh } from './zh';

export type Lang = 'en' | 'zh';
export type { MsgKey };
export type Params = Record<string, string | number>;
/** Translates a key; `lang` says which language it speaks. */
export type Translate = ((key: MsgKey, params?: Params) => string) & { lang?: Lang };

export const dictionaries: Record<Lang, Record<MsgKey, string>> = { en, zh };
export const LANG_KEY = 'parley.lang';

/** Fills {name} placeholders. */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  const t = (key: MsgKey, params?: Params) => interpolate(dict[key] ?? en[key] ?? key, params);
  return Object.assign(t, { lang });
}

/** The stored choice, else the browser's language (zh-* -> zh, everything else -> en). */
export function detectLang(stored: string | null, navigatorLanguages: readonly string[]): Lang {
  if (stored === 'en' || stored === 'zh') return stored;
  for (const l of navigatorLanguages) {
    const low = l.toLowerCase();
    if (low.startsWith('zh')) return 'zh';
    if (low.startsWith('en')) return 'en';
  }
  return 'en';
}

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: Translate;
}

const I18nContext = createContext<I18n>({ lang: 'en', setLang: () => {}, t: translator('en') });

function readStored(): string | null {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() =>
    detectLang(readStored(), typeof navigator !== 'undefined' ? navigator.languages ?? [navigator.language] : []),
  );
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(LANG_KEY, l);
    } catch {
      /* private mode */
    }
  }, []);
  const value = useMemo(() => {
    if (typeof document !== 'undefined') document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    return { lang, setLang, t: translator(lang) };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
