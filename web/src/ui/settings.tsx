import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export interface Settings {
  /** 'enter': Enter sends, Ctrl+Enter adds a line; 'ctrlEnter': the other way round */
  sendKey: 'enter' | 'ctrlEnter';
  titleBadge: boolean;
  notifications: boolean;
  sound: boolean;
}

export const defaultSettings: Settings = { sendKey: 'enter', titleBadge: true, notifications: false, sound: true };
const KEY = 'parley.settings';

function load(): Settings {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw) return { ...defaultSettings, ...JSON.parse(raw) };
  } catch {
    /* ignore */
  }
  return defaultSettings;
}

interface Ctx {
  settings: Settings;
  update: (patch: Partial<Settings>) => void;
}

const SettingsContext = createContext<Ctx>({ settings: defaultSettings, update: () => {} });

export function SettingsProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<Settings>(load);
  const update = useCallback((patch: Partial<Settings>) => {
    setSettings((s) => {
      const next = { ...s, ...patch };
      try {
        localStorage.setItem(KEY, JSON.stringify(next));
      } catch {
        /* ignore */
      }
      return next;
    });
  }, []);
  const value = useMemo(() => ({ settings, update }), [settings, update]);
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useSettings(): Ctx {
  return useContext(SettingsContext);
}
