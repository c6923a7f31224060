import { Fragment, memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { dayKey, dayLabel, formatClock, formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { ProtoError } from '../proto/client';
import { errorMessage } from '../i18n/errors';
import type { GroupMember, PublicProfile, TextBody } from '../proto/types';
import { deliveryLabel, emptyLog, recallers, visibleMessages, type ChatMessage } from '../state/messages';
import { conversationTitle, displayName, needsRead } from '../state/store';
import { Avatar, errorText, useRedrawWhenPassed } from './common';
import { MessageSearchPanel } from './Dialogs';
import { FriendInfoPanel } from './Friends';
import { GroupInfoPanel } from './Groups';
import { Icon } from './icons';
import { systemText } from './Main';
import { useApi, type ChatTarget } from './session';
import { useSettings } from './settings';

const RETRYABLE = new Set(['offline', 'disconnected', 'timeout', 'network', 'unavailable', 'internal', 'rate_limited']);
const RECALL_WINDOW_MS = 120_000;
const ADMIN_RECALL_WINDOW_MS = 2 * 3600_000;

export const EMOJI = [
  '😀', '😁', '😂', '🤣', '😊', '😍', '😘', '😎', '🤔', '😴', '😭', '😡', '😱', '🥳', '😅', '🙃',
  '👍', '👎', '👏', '🙏', '💪', '👌', '✌️', '🤝', '❤️', '💔', '🔥', '🎉', '🌹', '☕', '🍜', '🍻',
  '🐶', '🐱', '🌞', '🌙', '⭐', '⚡', '💯', '✅', '❌', '❓', '💤', '👋', '🙈', '🤗', '😏', '🤷',
];

function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => !document.hidden && document.hasFocus());
  useEffect(() => {
    const f = () => setVisible(!document.hidden && document.hasFocus());
    document.addEventListener('visibilitychange', f);
    window.addEventListener('focus', f);
    window.addEventListener('blur', f);
    return () => {
      document.removeEventListener('visibilitychange', f);
      window.removeEventListener('focus', f);
      window.removeEventListener('blur', f);
    };
  }, []);
  return visible;
}

export function ChatPane({
  target,
  onBack,
  onOpenDirect,
  onAddFriend,
  onJump,
  jump,
  onClosed,
}: {
  target: ChatTarget;
  onBack: () => void;
  onOpenDirect: (id: number) => void;
  onAddFriend: (u: PublicProfile) => void;
  /** show entry `seq` of conversation `cid` (a search hit) */
  onJump: (cid: number, seq: number) => void;
  jump?: { seq: number; n: number };
  onClosed: () => void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const { state } = api;
  const conv = target.conversation_id ? state.conversations[target.conversation_id] : undefined;
  const isGroup = target.kind === 'group';
  const gid = isGroup ? target.conversation_id : 0;
  const title = conv
    ? conversationTitle(state, conv)
    : isGroup
      ? state.groups[gid]?.name ?? `#${gid}`
      : displayName(state, target.peer_id);
  const log = state.logs[target.key] ?? emptyLog;
  const [panel, setPanel] = useState<'info' | 'search' | null>(null);
  const [atBottom, setAtBottom] = useState(true);
  const visible = usePageVisible();
  const left = isGroup && !!state.leftGroups[gid];
  const apiRef = useRef(api);
  apiRef.current = api;

  // the newest page when opened (and again after a resync dropped a long gap); not again
  // on every change of the state when it fails: a group one is no longer in is gone, a
  // connection problem is tried again a few times
  const [latestTry, setLatestTry] = useState(0);
  useEffect(() => {
    const cid = target.conversation_id;
    if (!cid || log.loaded) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    apiRef.current.loadLatest(cid).catch((e: unknown) => {
      if (!alive) return;
      const code = e instanceof ProtoError ? e.code : '';
      if (code === 'not_found') {
        if (isGroup) apiRef.current.dispatch({ type: 'groupGone', group_id: cid });
      } else if (RETRYABLE.has(code) && latestTry < 10) {
        timer = setTimeout(() => setLatestTry((n) => n + 1), 3000);
      }
    });
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [target.conversation_id, log.loaded, isGroup, latestTry]);

  // group members (names, cards, mentions) and profile
  // (once when opened, then when a change marks them stale: not again when the fetch
  // itself clears the mark)
  const stale = isGroup && !!state.groupsStale[gid];
  useEffect(() => {
    if (!isGroup || left) return;
    const s = apiRef.current.state;
    if (!stale && s.groups[gid] && s.members[gid]) return;
    void apiRef.current.loadMembers(gid);
    void apiRef.current.loadGroup(gid).catch(() => {});
  }, [gid, isGroup, stale, left]);

  // direct chats with strangers: learn their name
  useEffect(() => {
    if (isGroup || state.users[target.peer_id]) return;
    api
      .call('profile_get', { user_id: target.peer_id })
      .then((p) => api.dispatch({ type: 'users', users: [p] }))
      .catch(() => {});
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target.peer_id, isGroup]);

  // read everything while the chat is in view
  useEffect(() => {
    if (conv && visible && atBottom && needsRead(conv)) api.markRead(conv.conversation_id);
  }, [conv, visible, atBottom, api]);

  const typingUsers = Object.keys(state.typing[target.conversation_id] ?? {})
    .map(Number)
    .filter((u) => u !== api.myId);
  const presence = !isGroup ? state.friends[target.peer_id]?.presence : undefined;
  const group = state.groups[gid];

  return (
    <div className="chat">
      <header className="chat-head">
        <button type="button" className="icon-btn back-btn" aria-label={t('common.back')} onClick={onBack}>
          <Icon name="back" />
        </button>
        <Avatar name={title} id={isGroup ? gid : target.peer_id} src={isGroup ? conv?.group?.avatar : conv?.peer.avatar} presence={presence} />
        <div className="chat-title">
          <h2>{title}</h2>
          <div className="chat-sub" aria-live="polite">
            {typingUsers.length > 0
              ? t('chat.typing', { name: displayName(state, typingUsers[0], isGroup ? gid : undefined) })
              : isGroup
                ? group
                  ? t('group.membersCount', { n: group.member_count })
                  : ''
                : presence
                  ? t(`presence.${presence}`)
                  : ''}
          </div>
        </div>
        <div className="chat-actions">
          <button type="button" className={`icon-btn${panel === 'search' ? ' on' : ''}`} aria-label={t('chat.search')} title={t('chat.search')} aria-pressed={panel === 'search'} onClick={() => setPanel(panel === 'search' ? null : 'search')}>
            <Icon name="search" />
          </button>
          <button
            type="button"
            className={`icon-btn${panel === 'info' ? ' on' : ''}`}
            aria-label={isGroup ? t('chat.groupInfo') : t('chat.friendInfo')}
            title={isGroup ? t('chat.groupInfo') : t('chat.friendInfo')}
            aria-pressed={panel === 'info'}
            onClick={() => setPanel(panel === 'info' ? null : 'info')}
          >
            <Icon name="info" />
          </button>
        </div>
      </header>
      <div className="chat-body">
        <div className="chat-main">
          <MessageList target={target} title={title} onAtBottom={setAtBottom} jump={jump} />
          <Composer target={target} disabled={left} />
        </div>
        {panel === 'info' && isGroup && (
          <GroupInfoPanel groupId={gid} onClose={() => setPanel(null)} onOpenDirect={onOpenDirect} onAddFriend={onAddFriend} onGone={onClosed} />
        )}
        {panel === 'info' && !isGroup && <FriendInfoPanel userId={target.peer_id} onClose={() => setPanel(null)} onAddFriend={onAddFriend} onGone={onClosed} />}
        {panel === 'search' && (
          <MessageSearchPanel conversationId={target.conversation_id} onClose={() => setPanel(null)} onJump={onJump} />
        )}
      </div>
    </div>
  );
}

function MessageList({
  target,
  title,
  onAtBottom,
  jump,
}: {
  target: ChatTarget;
  title: string;
  onAtBottom: (b: boolean) => void;
  jump?: { seq: number; n: number };
}) {
  const { t } = useI18n();
  const api = useApi();
  const { state } = api;
  const log = state.logs[target.key] ?? emptyLog;
  const conv = target.conversation_id ? state.conversations[target.conversation_id] : undefined;
  const items = useMemo(() => visibleMessages(log), [log]);
  const recalledBy = useMemo(() => recallers(log), [log]);
  const ref = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [olderBusy, setOlderBusy] = useState(false);
  const [unseen, setUnseen] = useState(0);
  const prev = useRef({ first: 0, count: 0, height: 0, lastKey: '' });
  const isGroup = target.kind === 'group';
  const gid = isGroup ? target.conversation_id : undefined;
  const myRole = isGroup ? state.groups[target.conversation_id]?.role ?? state.conversations[target.conversation_id]?.group?.role : undefined;
  const [recallErr, setRecallErr] = useState('');

  const setBottom = (b: boolean) => {
    atBottomRef.current = b;
    setAtBottom(b);
    onAtBottom(b);
    if (b) setUnseen(0);
  };

  // keep the view: stick to the bottom for new messages, keep position when older ones load
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const first = items.length ? items[0].seq || -1 : 0;
    const last = items[items.length - 1];
    const lastKey = last ? `${last.seq}:${last.client_id}` : '';
    const p = prev.current;
    if (p.count && first !== p.first && lastKey === p.lastKey) {
      // older messages were added above
      el.scrollTop += el.scrollHeight - p.height;
    } else if (atBottomRef.current || (last && last.sender_id === api.myId && lastKey !== p.lastKey)) {
      el.scrollTop = el.scrollHeight;
    } else if (lastKey !== p.lastKey && p.count) {
      setUnseen((n) => n + 1);
    }
    prev.current = { first, count: items.length, height: el.scrollHeight, lastKey };
  }, [items, api.myId]);

  // a search hit: load back to it, scroll it into view and mark it for a moment
  const [focusSeq, setFocusSeq] = useState(0);
  const [flashSeq, setFlashSeq] = useState(0);
  useEffect(() => {
    if (!jump || !target.conversation_id) return;
    let alive = true;
    api
      .loadUntil(target.conversation_id, jump.seq)
      .then((found) => alive && found && setFocusSeq(jump.seq))
      .catch(() => {});
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jump?.n, target.conversation_id]);
  useEffect(() => {
    if (!focusSeq) return;
    const el = ref.current?.querySelector(`[data-seq="${focusSeq}"]`);
    if (!el) return; // not rendered yet: tried again when items change
    atBottomRef.current = false;
    el.scrollIntoView({ block: 'center' });
    setFlashSeq(focusSeq);
    setFocusSeq(0);
  }, [focusSeq, items]);
  useEffect(() => {
    if (!flashSeq) return;
    const timer = setTimeout(() => setFlashSeq(0), 2000);
    return () => clearTimeout(timer);
  }, [flashSeq]);

  const loadOlder = useCallback(async () => {
    if (!target.conversation_id || olderBusy || !log.hasMoreBefore || !log.loaded) return;
    setOlderBusy(true);
    try {
      await api.loadOlder(target.conversation_id);
    } catch {
      /* shown as the button again */
    } finally {
      setOlderBusy(false);
    }
  }, [api, log.hasMoreBefore, log.loaded, olderBusy, target.conversation_id]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const b = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (b !== atBottomRef.current) setBottom(b);
    if (el.scrollTop < 60) void loadOlder();
  };

  const jumpLatest = () => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
    setBottom(true);
  };

  const recall = async (m: ChatMessage) => {
    setRecallErr('');
    try {
      const r = await api.call('message_recall', { conversation_id: m.conversation_id, seq: m.seq });
      // This connection gets the answer rather than the event: apply the entry as if
      // the event had come.
      api.dispatch({
        type: 'message',
        msg: {
          conversation_id: m.conversation_id,
          seq: r.recall_seq,
          sender_id: api.myId,
          client_id: `recall:${m.conversation_id}:${m.seq}`,
          kind: 'recall',
          body: { seq: m.seq },
          created_at: Date.now(),
          recalled: false,
        },
      });
    } catch (e) {
      setRecallErr(errorText(t, e));
    }
  };

  // one stable handler for every row (so unchanged rows are not drawn again)
  const actions = useRef({ recall, target });
  actions.current = { recall, target };
  const onAction = useCallback(
    (kind: RowAction, m: ChatMessage) => {
      const { recall: doRecall, target: chat } = actions.current;
      if (kind === 'recall') void doRecall(m);
      else if (kind === 'resend') api.resend(chat, m);
      else api.dispatch({ type: 'pendingRemoved', key: chat.key, client_id: m.client_id });
    },
    // api.resend and api.dispatch do not change within a session
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api.resend, api.dispatch],
  );

  const canRecall = (m: ChatMessage): boolean => {
    if (!m.seq || m.recalled || m.kind !== 'text') return false;
    const age = Date.now() - m.created_at;
    if (m.sender_id === api.myId && age < RECALL_WINDOW_MS) return true;
    if (!isGroup || age >= ADMIN_RECALL_WINDOW_MS) return false;
    if (myRole === 'owner') return true;
    if (myRole === 'admin') {
      const r = state.members[target.conversation_id]?.find((x) => x.user_id === m.sender_id)?.role;
      return r === 'member' || m.sender_id === api.myId;
    }
    return false;
  };

  // the recall entry's sender is who recalled (the sender, or an admin); unknown when
  // the log does not hold the entry
  const recallText = (by: number | undefined) =>
    by === undefined ? t('chat.recalled') : by === api.myId ? t('chat.recalledMine') : t('chat.recalledOther', { name: displayName(state, by, gid) });

  const peerRead = conv?.peer_read_seq ?? 0;
  const words = { today: t('chat.today'), yesterday: t('chat.yesterday') };
  let lastDay = '';

  return (
    <div className="log-wrap">
      <div className="message-log" role="log" aria-label={t('chat.log', { name: title })} ref={ref} onScroll={onScroll} tabIndex={0}>
        <div className="log-top">
          {!target.conversation_id || (log.loaded && !log.hasMoreBefore) ? (
            <span className="muted small">{t('chat.beginning')}</span>
          ) : (
            <button type="button" className="link small" onClick={() => void loadOlder()} disabled={olderBusy}>
              {olderBusy ? t('chat.loadingOlder') : t('chat.loadOlder')}
            </button>
          )}
        </div>
        {items.map((m) => {
          const dk = dayKey(m.created_at);
          const sep = dk !== lastDay;
          lastDay = dk;
          const mine = m.sender_id === api.myId;
          const key = m.seq ? `s${m.seq}` : `p${m.client_id}`;
          return (
            <Fragment key={key}>
              {sep && (
                <div className="day-sep" role="separator">
                  <span>{dayLabel(m.created_at, words)}</span>
                </div>
              )}
              {m.kind === 'system' ? (
                <div className="msg-system" data-seq={m.seq} data-client-id={m.client_id}>
                  {systemText(t, api, m)}
                </div>
              ) : m.recalled ? (
                <div className="msg-system recalled" data-seq={m.seq} data-client-id={m.client_id} data-recalled="true">
                  {recallText(recalledBy.get(m.seq))}
                </div>
              ) : (
                <MessageRow
                  flash={m.seq === flashSeq}
                  m={m}
                  mine={mine}
                  myId={api.myId}
                  name={displayName(state, m.sender_id, gid)}
                  avatar={mine ? state.profile?.avatar : state.users[m.sender_id]?.avatar}
                  isGroup={isGroup}
                  state={deliveryLabel(m, isGroup ? 0 : peerRead)}
                  showRead={!isGroup}
                  canRecall={canRecall(m)}
                  onAction={onAction}
                />
              )}
            </Fragment>
          );
        })}
      </div>
      {recallErr && (
        <p className="error float" role="alert">
          {recallErr}
        </p>
      )}
      {!atBottom && (
        <button type="button" className="jump-latest" onClick={jumpLatest}>
          <Icon name="down" /> {unseen > 0 ? t('chat.newBelow', { n: unseen }) : t('chat.jumpLatest')}
        </button>
      )}
    </div>
  );
}

type RowAction = 'recall' | 'resend' | 'discard';

/** One message; drawn again only when its own props change (it reads no app state). */
const MessageRow = memo(function MessageRow({
  flash,
  m,
  mine,
  myId,
  name,
  avatar,
  isGroup,
  state: delivery,
  showRead,
  canRecall,
  onAction,
}: {
  flash?: boolean;
  m: ChatMessage;
  mine: boolean;
  myId: number;
  name: string;
  avatar?: string;
  isGroup: boolean;
  state: ReturnType<typeof deliveryLabel>;
  showRead: boolean;
  canRecall: boolean;
  onAction: (kind: RowAction, m: ChatMessage) => void;
}) {
  const { t } = useI18n();
  const text = m.kind === 'text' ? (m.body as TextBody).text : t('chat.unsupported');
  const mentioned = m.kind === 'text' && !mine && (((m.body as TextBody).mentions ?? []).includes(myId) || (m.body as TextBody).mention_all);
  const shownState = mine ? (delivery === 'read' && !showRead ? 'sent' : delivery) : undefined;
  return (
    <div
      className={`msg ${mine ? 'mine' : 'theirs'}${mentioned ? ' mentioned' : ''}${m.delivery === 'failed' ? ' failed' : ''}${flash ? ' flash' : ''}`}
      data-seq={m.seq || undefined}
      data-client-id={m.client_id}
      data-state={shownState}
    >
      <Avatar name={name} id={m.sender_id} src={avatar} size="sm" />
      <div className="msg-content">
        {isGroup && !mine && <div className="msg-sender">{name}</div>}
        <div className="bubble" title={formatDateTime(m.created_at)}>
          {text}
        </div>
        <div className="msg-meta">
          <time dateTime={new Date(m.created_at).toISOString()}>{formatClock(m.created_at)}</time>
          {shownState && <span className={`delivery delivery-${shownState}`}>{t(`chat.state.${shownState}`)}</span>}
          {m.delivery === 'failed' && m.failure && (
            <span className="error small">{t('chat.failedReason', { reason: errorMessage(t, m.failure) })}</span>
          )}
          {m.delivery === 'failed' && (
            <>
              <button type="button" className="link small" onClick={() => onAction('resend', m)}>
                {t('chat.resend')}
              </button>
              <button type="button" className="link small" onClick={() => onAction('discard', m)}>
                {t('chat.discard')}
              </button>
            </>
          )}
          {canRecall && (
            <button type="button" className="link small msg-action" onClick={() => onAction('recall', m)} aria-label={`${t('chat.recall')}: ${text.slice(0, 30)}`}>
              {t('chat.recall')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
});

interface MentionOption {
  id: number; // 0 = everyone
  label: string;
  sub: string;
}

function Composer({ target, disabled }: { target: ChatTarget; disabled: boolean }) {
  const { t } = useI18n();
  const api = useApi();
  const { settings } = useSettings();
  const [text, setText] = useState('');
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [mentionQuery, setMentionQuery] = useState<string | null>(null);
  const [mentionIdx, setMentionIdx] = useState(0);
  const chosen = useRef(new Map<string, number>());
  const ta = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  // true from compositionstart until just after compositionend (Safari sends the Enter
  // that ends a composition after compositionend)
  const composing = useRef(false);
  const isGroup = target.kind === 'group';
  const gid = isGroup ? target.conversation_id : 0;
  const members: GroupMember[] = isGroup ? api.state.members[gid] ?? [] : [];
  const me = members.find((m) => m.user_id === api.myId);
  const role = me?.role ?? api.state.groups[gid]?.role ?? api.state.conversations[gid]?.group?.role;
  const privileged = role === 'owner' || role === 'admin';
  // the member list when it is loaded, else the conversation list's entry
  const conversationGroup = isGroup ? api.state.conversations[gid]?.group : undefined;
  const myMute = me ? me.muted_until : conversationGroup?.muted_until ?? 0;
  const mutedUntil = myMute > Date.now() ? myMute : 0;
  const mutedAll = isGroup && !!(api.state.groups[gid]?.muted_all ?? conversationGroup?.muted_all) && !privileged;
  const hintId = `composer-hint-${target.key}`;

  useRedrawWhenPassed([mutedUntil]);

  useEffect(() => {
    ta.current?.focus();
  }, [target.key]);

  const options: MentionOption[] = useMemo(() => {
    if (mentionQuery === null || !isGroup) return [];
    const q = mentionQuery.toLowerCase();
    const list: MentionOption[] = [];
    if (privileged && (t('chat.mentionAll').toLowerCase().startsWith(q) || 'all'.startsWith(q))) {
      list.push({ id: 0, label: t('chat.mentionAll'), sub: '@all' });
    }
    for (const m of members) {
      if (m.user_id === api.myId) continue;
      const label = displayName(api.state, m.user_id, gid);
      if (!q || label.toLowerCase().includes(q) || m.username.includes(q) || m.nickname.toLowerCase().includes(q)) {
        list.push({ id: m.user_id, label, sub: `@${m.username}` });
      }
      if (list.length >= 8) break;
    }
    return list;
  }, [mentionQuery, isGroup, members, privileged, t, api.myId, api.state, gid]);

  const updateMention = (value: string, caret: number) => {
    if (!isGroup) return;
    const m = /(^|\s)@([^\s@]{0,32})$/.exec(value.slice(0, caret));
    setMentionQuery(m ? m[2] : null);
    setMentionIdx(0);
  };

  const insertAtCaret = (s: string, replaceBack = 0) => {
    const el = ta.current;
    const start = el ? el.selectionStart : text.length;
    const end = el ? el.selectionEnd : text.length;
    const next = text.slice(0, start - replaceBack) + s + text.slice(end);
    caretAfterRender.current = start - replaceBack + s.length;
    setText(next);
  };
  // The caret goes after an insertion as soon as the new text is in the textarea, before
  // the next key is handled (a later animation frame could land between two typed
  // characters and move the caret back among them).
  const caretAfterRender = useRef<number | null>(null);
  useLayoutEffect(() => {
    const pos = caretAfterRender.current;
    if (pos === null) return;
    caretAfterRender.current = null;
    ta.current?.focus();
    ta.current?.setSelectionRange(pos, pos);
  }, [text]);

  const pickMention = (o: MentionOption) => {
    const token = `@${o.label} `;
    chosen.current.set(`@${o.label}`, o.id);
    insertAtCaret(token, (mentionQuery?.length ?? 0) + 1);
    setMentionQuery(null);
  };

  const send = () => {
    const body = text.trim();
    if (!body || disabled) return;
    const mentions: number[] = [];
    let all = false;
    for (const [tok, id] of chosen.current) {
      if (!text.includes(tok)) continue;
      if (id === 0) all = true;
      else if (!mentions.includes(id)) mentions.push(id);
    }
    api.sendText(target, text.replace(/\s+$/, ''), isGroup ? mentions.slice(0, 64) : undefined, isGroup && all);
    setText('');
    chosen.current.clear();
    setMentionQuery(null);
    setEmojiOpen(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // keys of an input method's composition (Enter picks a candidate) are not ours
    if (e.nativeEvent.isComposing || e.keyCode === 229 || composing.current) return;
    if (options.length && mentionQuery !== null) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        setMentionIdx((i) => (i + 1) % options.length);
        return;
      }
      if (e.key === 'ArrowUp') {
        e.preventDefault();
        setMentionIdx((i) => (i - 1 + options.length) % options.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pickMention(options[mentionIdx] ?? options[0]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setMentionQuery(null);
        return;
      }
    }
    if (e.key !== 'Enter') return;
    const ctrl = e.ctrlKey || e.metaKey;
    const sendNow = settings.sendKey === 'enter' ? !ctrl && !e.shiftKey : ctrl;
    if (sendNow) {
      e.preventDefault();
      send();
    } else if (ctrl) {
      // Ctrl+Enter inserts nothing by itself in a textarea: add the line
      e.preventDefault();
      insertAtCaret('\n');
    }
  };

  const onChange = (value: string, caret: number) => {
    setText(value);
    updateMention(value, caret);
    if (!isGroup && target.conversation_id && value && Date.now() - lastTyping.current > 3000) {
      lastTyping.current = Date.now();
      api.call('typing', { conversation_id: target.conversation_id }).catch(() => {});
    }
  };

  const blocked = disabled || mutedAll || !!mutedUntil;
  const mentionOpen = options.length > 0 && mentionQuery !== null;
  return (
    <div className="composer">
      {disabled && <p className="composer-note">{t('chat.left')}</p>}
      {!disabled && mutedUntil > 0 && <p className="composer-note">{t('chat.muted', { time: formatDateTime(mutedUntil) })}</p>}
      {!disabled && !mutedUntil && mutedAll && <p className="composer-note">{t('chat.mutedAll')}</p>}
      <div className="composer-tools">
        <button type="button" className="icon-btn" aria-label={t('chat.emoji')} aria-expanded={emojiOpen} title={t('chat.emoji')} onClick={() => setEmojiOpen(!emojiOpen)} disabled={blocked}>
          <Icon name="smile" />
        </button>
        <span className="muted small" id={hintId}>
          {settings.sendKey === 'enter' ? t('chat.hintEnter') : t('chat.hintCtrlEnter')}
        </span>
      </div>
      {emojiOpen && (
        <div className="emoji-picker" role="group" aria-label={t('chat.emojiPicker')} onKeyDown={(e) => e.key === 'Escape' && (setEmojiOpen(false), ta.current?.focus())}>
          {EMOJI.map((em) => (
            <button key={em} type="button" className="emoji" aria-label={em} onClick={() => insertAtCaret(em)}>
              {em}
            </button>
          ))}
        </div>
      )}
      {mentionOpen && (
        <ul className="mention-list" role="listbox" aria-label={t('chat.mentionList')} id={`mentions-${target.key}`}>
          {options.map((o, i) => (
            <li
              key={o.id}
              role="option"
              aria-selected={i === mentionIdx}
              id={`mention-${target.key}-${o.id}`}
              className={i === mentionIdx ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                pickMention(o);
              }}
            >
              <span>{o.label}</span> <span className="muted small">{o.sub}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-row">
        <label className="sr-only" htmlFor={`composer-${target.key}`}>
          {t('chat.composer')}
        </label>
        <textarea
          id={`composer-${target.key}`}
          ref={ta}
          value={text}
          rows={3}
          maxLength={4000}
          placeholder={t('chat.placeholder')}
          aria-describedby={hintId}
          // in a group the box is a combobox: @ opens the list of members to mention
          role={isGroup ? 'combobox' : undefined}
          aria-expanded={isGroup ? mentionOpen : undefined}
          aria-autocomplete={isGroup ? 'list' : undefined}
          aria-controls={mentionOpen ? `mentions-${target.key}` : undefined}
          aria-activedescendant={mentionOpen ? `mention-${target.key}-${options[mentionIdx]?.id}` : undefined}
          disabled={blocked}
          onChange={(e) => onChange(e.target.value, e.target.selectionStart)}
          onKeyDown={onKeyDown}
          onCompositionStart={() => (composing.current = true)}
          onCompositionEnd={() => setTimeout(() => (composing.current = false), 0)}
          onClick={(e) => updateMention(text, (e.target as HTMLTextAreaElement).selectionStart)}
        />
        <button type="button" className="primary send-btn" onClick={send} disabled={blocked || !text.trim()}>
          {t('chat.send')}
        </button>
      </div>
    </div>
  );
}
