import { useEffect, useReducer, useState, type FormEvent } from 'react';
import { defaultWsUrl, httpRequest, ParleyClient, type ConnState, type FatalInfo, type SocketLike } from '../proto/client';
import { I18nProvider, useI18n, type Lang, type MsgKey } from '../i18n';
import { initialState, reducer } from '../state/store';
import { errorText, useAction } from './common';
import { Main } from './Main';
import { ApiContext, useSessionApi } from './session';
import { SettingsProvider } from './settings';

const TOKEN_KEY = 'parley.token';
const DEVICE_KEY = 'parley.device';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** One device id per browser, kept in localStorage: web-<random>. */
function deviceId(): string {
  const s = storage();
  let d = s?.getItem(DEVICE_KEY);
  if (!d || !/^[A-Za-z0-9_.:-]{1,64}$/.test(d)) {
    const b = new Uint8Array(6);
    crypto.getRandomValues(b);
    d = 'web-' + [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    s?.setItem(DEVICE_KEY, d);
  }
  return d;
}

export function App() {
  return (
    <I18nProvider>
      <SettingsProvider>
        <Root />
      </SettingsProvider>
    </I18nProvider>
  );
}

type Phase = 'login' | 'resuming' | 'main';

function Root() {
  const { t } = useI18n();
  const [client] = useState(
    () => new ParleyClient({ url: defaultWsUrl(), socketFactory: (url) => new WebSocket(url) as unknown as SocketLike }),
  );
  const [state, dispatch] = useReducer(reducer, initialState);
  const api = useSessionApi(client, state, dispatch);
  const [phase, setPhase] = useState<Phase>(() => (storage()?.getItem(TOKEN_KEY) ? 'resuming' : 'login'));
  const [conn, setConn] = useState<ConnState>(client.state);
  const [loginNotice, setLoginNotice] = useState('');

  useEffect(() => client.onState(setConn), [client]);

  // resume a stored session
  useEffect(() => {
    const token = storage()?.getItem(TOKEN_KEY);
    if (!token) return;
    let alive = true;
    client
      .connect({ kind: 'token', token })
      .then(() => alive && setPhase('main'))
      .catch((e) => {
        if (!alive) return;
        if (e?.code === 'disconnected') return; // stopped on purpose (StrictMode remount)
        storage()?.removeItem(TOKEN_KEY);
        setLoginNotice(t('kick.unauthorized'));
        setPhase('login');
      });
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client]);

  // kicked (4001), revoked (4002) or refused on reconnect: back to the login form, with why
  useEffect(
    () =>
      client.onFatal((f: FatalInfo) => {
        storage()?.removeItem(TOKEN_KEY);
        dispatch({ type: 'reset' });
        const key = `kick.${f.reason}` as MsgKey;
        setLoginNotice(t(key) === key ? t('kick.unauthorized') : t(key));
        setPhase('login');
      }),
    [client, t],
  );

  // the browser came back online: do not wait for the backoff
  useEffect(() => {
    const f = () => client.reconnectNow();
    window.addEventListener('online', f);
    return () => window.removeEventListener('online', f);
  }, [client]);

  const onLoggedIn = (token: string) => {
    storage()?.setItem(TOKEN_KEY, token);
    setLoginNotice('');
    setPhase('main');
  };

  const logout = async () => {
    await client.logout();
    storage()?.removeItem(TOKEN_KEY);
    dispatch({ type: 'reset' });
    setPhase('login');
  };

  if (phase === 'main') {
    return (
      <ApiContext.Provider value={api}>
        <Main conn={conn} onLogout={logout} />
      </ApiContext.Provider>
    );
  }
  if (phase === 'resuming') {
    return (
      <div className="center-page">
        <p role="status" data-state={conn}>
          {t('login.resuming')} {t(`conn.${conn}` as MsgKey)}
        </p>
        <button
          type="button"
          className="link"
          onClick={() => {
            client.stop();
            storage()?.removeItem(TOKEN_KEY);
            setPhase('login');
          }}
        >
          {t('login.usePassword')}
        </button>
      </div>
    );
  }
  return <LoginView client={client} notice={loginNotice} onLoggedIn={onLoggedIn} />;
}

function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang-switch">
      <span className="sr-only">{t('lang.label')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t('lang.label')}>
        <option value="zh">{t('lang.zh')}</option>
        <option value="en">{t('lang.en')}</option>
      </select>
    </label>
  );
}

export { LangSwitch };

function LoginView({ client, notice, onLoggedIn }: { client: ParleyClient; notice: string; onLoggedIn: (token: string) => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [nickname, setNickname] = useState('');
  const [info, setInfo] = useState('');
  const { busy, error, setError, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setInfo('');
    if (mode === 'register') {
      if (password !== confirm) {
        setError(t('login.mismatch'));
        return;
      }
      const ok = await run(() =>
        httpRequest('register', { username: username.trim(), password, ...(nickname.trim() ? { nickname: nickname.trim() } : {}) }),
      );
      if (ok) {
        setMode('login');
        setConfirm('');
        setInfo(t('login.registered'));
      }
      return;
    }
    await run(async () => {
      const s = await client.connect({ kind: 'password', username: username.trim(), password, device: deviceId() });
      onLoggedIn(s.token);
    });
  };

  return (
    <main className="login-page">
      <div className="login-card">
        <div className="login-top">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true" />
            <span>{t('app.name')}</span>
          </div>
          <LangSwitch />
        </div>
        <p className="muted tagline">{t('login.tagline')}</p>
        <h1>{mode === 'login' ? t('login.title') : t('login.registerTitle')}</h1>
        {notice && (
          <p className="notice" role="alert">
            {notice}
          </p>
        )}
        {info && (
          <p className="success" role="status">
            {info}
          </p>
        )}
        <form onSubmit={submit} className="form">
          <label>
            {t('login.username')}
            <input
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
              autoFocus
              autoCapitalize="none"
              spellCheck={false}
            />
          </label>
          {mode === 'register' && <small className="hint">{t('login.usernameHint')}</small>}
          <label>
            {t('login.password')}
            <input
              name="password"
              type="password"
              autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          {mode === 'register' && (
            <>
              <small className="hint">{t('login.passwordHint')}</small>
              <label>
                {t('login.confirm')}
                <input type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required />
              </label>
              <label>
                {t('login.nickname')}
                <input value={nickname} onChange={(e) => setNickname(e.target.value)} maxLength={32} />
              </label>
            </>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary wide" disabled={busy}>
            {mode === 'login' ? t('login.submit') : t('login.registerSubmit')}
          </button>
        </form>
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'login' ? 'register' : 'login');
            setError('');
            setInfo('');
          }}
        >
          {mode === 'login' ? t('login.toRegister') : t('login.toLogin')}
        </button>
      </div>
    </main>
  );
}

export { errorText };
