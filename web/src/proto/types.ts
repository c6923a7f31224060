// Types for every request, response and event of docs/protocol.md (version 1).

export type ErrorCode =
  | 'bad_request'
  | 'unknown_type'
  | 'unsupported_version'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'internal'
  | 'unavailable';

export interface WireError {
  code: ErrorCode | string;
  message: string;
  retry?: boolean;
  field?: string;
  retry_after_ms?: number;
  until?: number;
}

export type RequestId = string | number;

export interface WireRequest {
  id: RequestId;
  type: string;
  data?: unknown;
}

export interface WireResponse {
  id: RequestId | null;
  ok: boolean;
  result?: unknown;
  error?: WireError;
}

export interface WireEvent {
  type: string;
  data: unknown;
}

// ---- values ----

export type Gender = 'unspecified' | 'female' | 'male' | 'other';
export type PresenceChoice = 'online' | 'away' | 'busy' | 'invisible';
export type Presence = PresenceChoice | 'offline';
export type GroupRole = 'owner' | 'admin' | 'member';
export type JoinPolicy = 'open' | 'approval' | 'invite';
export type InvitePolicy = 'direct' | 'approval';

export interface PublicProfile {
  user_id: number;
  username: string;
  nickname: string;
  signature: string;
  gender: Gender;
  avatar: string;
  created_at: number;
}

export interface OwnProfile extends PublicProfile {
  email: string;
  birthday: string;
}

export interface UserRef {
  user_id: number;
  username: string;
  nickname: string;
  avatar: string;
}

export interface TextBody {
  text: string;
  mentions?: number[];
  mention_all?: boolean;
}

export interface RecallBody {
  seq: number;
}

export interface SystemBody {
  event:
    | 'created'
    | 'joined'
    | 'left'
    | 'removed'
    | 'muted'
    | 'unmuted'
    | 'muted_all'
    | 'admin'
    | 'owner'
    | 'updated'
    | 'card'
    | 'dissolved'
    | string;
  by: number;
  user_id?: number;
  name?: string;
  until?: number;
  muted?: boolean;
  admin?: boolean;
  card?: string;
  [key: string]: unknown;
}

export type MessageKind = 'text' | 'recall' | 'system' | string;

export interface Message {
  conversation_id: number;
  seq: number;
  sender_id: number;
  client_id: string;
  kind: MessageKind;
  body: TextBody | RecallBody | SystemBody | Record<string, unknown>;
  created_at: number;
  recalled: boolean;
}

export interface GroupRef {
  group_id: number;
  name: string;
  avatar: string;
  role: GroupRole;
  /** only the owner and admins may send */
  muted_all: boolean;
  /** ms: I may not send until then; 0: not muted */
  muted_until: number;
}

export interface Conversation {
  conversation_id: number;
  kind: 'direct' | 'group';
  peer: UserRef;
  last_seq: number;
  read_seq: number;
  peer_read_seq: number;
  unread: number;
  mentions: number;
  last_message?: Message;
  group?: GroupRef;
}

export interface Category {
  category_id: number;
  name: string;
  position: number;
  is_default: boolean;
}

export interface Friend {
  user_id: number;
  username: string;
  nickname: string;
  avatar: string;
  signature: string;
  remark: string;
  category_id: number;
  since: number;
  presence?: Presence;
  last_message?: Message;
}

export interface FriendRequestIn {
  request_id: number;
  from: UserRef;
  note: string;
  created_at: number;
}

export interface FriendRequestOut {
  request_id: number;
  to: UserRef;
  note: string;
  status: 'pending' | 'accepted' | 'rejected';
  reason: string;
  created_at: number;
  decided_at: number;
}

export interface GroupProfile {
  group_id: number;
  name: string;
  avatar: string;
  description: string;
  join_policy: JoinPolicy;
  invite_policy: InvitePolicy;
  member_limit: number;
  member_count: number;
  owner_id: number;
  muted_all: boolean;
  full_history: boolean;
  created_at: number;
  role?: GroupRole;
}

export interface GroupJoinRequest {
  request_id: number;
  group_id: number;
  group_name: string;
  user: UserRef;
  inviter_id: number;
  note: string;
  status: 'pending' | 'accepted' | 'rejected';
  reason: string;
  created_at: number;
  decided_at: number;
}

export interface GroupMember {
  user_id: number;
  username: string;
  nickname: string;
  avatar: string;
  role: GroupRole;
  card: string;
  joined_at: number;
  muted_until: number;
  presence: Presence;
}

export interface Page<T> {
  messages: T[];
  has_more: boolean;
}

// ---- requests: type -> [data, result] ----

export type GroupEditable = Partial<
  Pick<GroupProfile, 'name' | 'avatar' | 'description' | 'join_policy' | 'invite_policy' | 'member_limit' | 'full_history'>
>;

export interface Requests {
  hello: [{ versions: number[]; client?: string }, { version: number; server: string; limits: Record<string, number> }];
  ping: [Record<string, never> | undefined, { time: number }];
  register: [{ username: string; password: string; nickname?: string }, { user_id: number; username: string }];
  login: [
    { username: string; password: string; device: string },
    { token: string; user_id: number; username: string; device: string; expires_at: number },
  ];
  auth: [{ token: string }, { user_id: number; username: string; device: string; expires_at: number }];
  logout: [{ all?: boolean }, Record<string, never>];
  change_password: [{ old_password: string; new_password: string }, { token: string; expires_at: number }];
  profile_get: [{ user_id?: number; username?: string }, OwnProfile | PublicProfile];
  profile_update: [Partial<Omit<OwnProfile, 'user_id' | 'username' | 'created_at'>>, OwnProfile];
  user_search: [{ query: string; limit?: number }, { users: PublicProfile[] }];
  message_send: [
    { to?: number; conversation_id?: number; client_id: string; kind?: string; body: TextBody },
    { conversation_id: number; seq: number; created_at: number; duplicate: boolean },
  ];
  conversations: [Record<string, never> | undefined, { conversations: Conversation[] }];
  sync: [{ conversation_id: number; after_seq: number; limit?: number }, Page<Message>];
  history: [{ conversation_id: number; before_seq?: number; limit?: number }, Page<Message>];
  message_read: [{ conversation_id: number; seq: number }, { read_seq: number }];
  message_recall: [{ conversation_id: number; seq: number }, { recall_seq: number }];
  message_search: [
    { query?: string; conversation_id?: number; from?: number; to?: number; limit?: number },
    Page<Message>,
  ];
  presence_get: [Record<string, never>, { status: PresenceChoice }];
  presence_set: [{ status: PresenceChoice }, Record<string, never>];
  typing: [{ conversation_id: number }, Record<string, never>];
  friend_request: [{ user_id: number; note?: string }, { request_id: number; status: 'pending' | 'accepted' }];
  friend_requests: [Record<string, never> | undefined, { incoming: FriendRequestIn[]; outgoing: FriendRequestOut[] }];
  friend_respond: [
    { request_id: number; accept: boolean; category_id?: number; reason?: string },
    Record<string, never>,
  ];
  friends_list: [Record<string, never> | undefined, { categories: Category[]; friends: Friend[] }];
  friend_delete: [{ user_id: number }, Record<string, never>];
  friend_remark: [{ user_id: number; remark: string }, Record<string, never>];
  friend_move: [{ user_id: number; category_id: number }, Record<string, never>];
  category_create: [{ name: string }, { category_id: number }];
  category_rename: [{ category_id: number; name: string }, Record<string, never>];
  category_reorder: [{ category_ids: number[] }, Record<string, never>];
  category_delete: [{ category_id: number }, Record<string, never>];
  block: [{ user_id: number }, Record<string, never>];
  unblock: [{ user_id: number }, Record<string, never>];
  blocks_list: [Record<string, never> | undefined, { users: UserRef[] }];
  privacy_get: [Record<string, never> | undefined, { allow_strangers: boolean }];
  privacy_set: [{ allow_strangers: boolean }, { allow_strangers: boolean }];
  group_create: [GroupEditable & { name: string }, GroupProfile];
  group_search: [{ query: string; limit?: number }, { groups: GroupProfile[] }];
  group_info: [{ group_id: number }, GroupProfile];
  group_update: [GroupEditable & { group_id: number }, GroupProfile];
  group_join: [{ group_id: number; note?: string }, { status: 'joined' | 'pending'; request_id?: number }];
  group_requests: [Record<string, never> | undefined, { incoming: GroupJoinRequest[]; outgoing: GroupJoinRequest[] }];
  group_respond: [{ request_id: number; accept: boolean; reason?: string }, Record<string, never>];
  group_invite: [{ group_id: number; user_id: number }, { status: 'joined' | 'pending'; request_id: number }];
  group_leave: [{ group_id: number }, Record<string, never>];
  group_kick: [{ group_id: number; user_id: number }, Record<string, never>];
  group_mute: [{ group_id: number; user_id: number; duration_s: number }, Record<string, never>];
  group_unmute: [{ group_id: number; user_id: number }, Record<string, never>];
  group_mute_all: [{ group_id: number; muted: boolean }, Record<string, never>];
  group_admin: [{ group_id: number; user_id: number; admin: boolean }, Record<string, never>];
  group_transfer: [{ group_id: number; user_id: number }, Record<string, never>];
  group_dissolve: [{ group_id: number }, Record<string, never>];
  group_members: [
    { group_id: number; after_user_id?: number; limit?: number },
    { members: GroupMember[]; has_more: boolean },
  ];
  group_card: [{ group_id: number; card: string }, Record<string, never>];
}

export type RequestType = keyof Requests;
export type RequestData<T extends RequestType> = Requests[T][0];
export type ResponseResult<T extends RequestType> = Requests[T][1];

// ---- events: type -> data ----

export type KickReason = 'logged_in_elsewhere' | 'logged_out' | 'password_changed' | 'session_expired';

export interface Events {
  message: Message;
  read: { conversation_id: number; user_id: number; read_seq: number };
  presence: { user_id: number; status: Presence };
  typing: { conversation_id: number; user_id: number };
  kicked: { reason: KickReason | string; message: string };
  server_shutdown: { message: string; reconnect_after_ms: number };
  friend_request: FriendRequestIn;
  friend_response: { request_id: number; user_id: number; accepted: boolean; reason: string };
  friend_added: Friend;
  friend_deleted: { user_id: number };
  friends_changed: Record<string, never>;
  group_join_request: GroupJoinRequest;
  group_join_response: { request_id: number; group_id: number; group_name: string; accepted: boolean; reason: string };
}

export type EventType = keyof Events;
