import { adminEn } from './admin.en'

/**
 * The English strings of the web client, and the shape every language follows: a zh-CN file exports a `Strings`
 * object of the same keys (TypeScript checks it), and `index.ts` picks one.
 */
export const en = {
  appName: 'TokenIM',
  loading: 'Loading…',

  // auth screen (accessible names are part of the browser-test contract)
  signInTitle: 'Sign in to TokenIM',
  createAccountTitle: 'Create your TokenIM account',
  username: 'Username',
  password: 'Password',
  displayName: 'Display name',
  displayNameHint: 'Optional; shown to others instead of your username.',
  usernameHint: '3–32 characters: a–z, 0–9, dot, dash, underscore.',
  passwordHint: 'At least 8 characters.',
  signIn: 'Sign in',
  createAccount: 'Create account',
  haveAccount: 'Have an account? Sign in',
  noAccount: 'New here? Create account',
  working: 'Please wait…',

  // errors by protocol code
  errors: {
    invalid_credentials: 'Wrong username or password.',
    username_taken: 'That username is taken; choose another.',
    rate_limited: 'Too many attempts; wait a moment and try again.',
    network_error: 'Cannot reach the server. Check your connection.',
    validation_failed: 'Please correct the highlighted fields.',
    permission_denied: 'You are not allowed to do that.',
    group_full: 'The group is full.',
    generic: 'Something went wrong. Please try again.',
  } as Record<string, string>,

  // shell
  conversations: 'Conversations',
  newChat: 'New chat',
  signOut: 'Sign out',
  noConversations: 'No conversations yet. Start one with “New chat”.',
  noMessagesYet: 'No messages yet',
  pickConversation: 'Pick a conversation, or start a new chat.',
  back: 'Back to conversations',
  unread: (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`),
  you: 'You',

  // new chat
  searchUsers: 'Search users',
  searchResults: 'Search results',
  searchPlaceholder: 'Search by username',
  noUsersFound: 'No users found.',
  newGroup: 'New group',
  groupTitle: 'Group name',
  groupMembers: 'Members',
  removeMember: (name: string) => `Remove ${name}`,
  createGroup: 'Create group',
  memberCount: (n: number) => (n === 1 ? '1 member' : `${n} members`),
  close: 'Close',

  // chat
  message: 'Message',
  messagePlaceholder: 'Write a message',
  send: 'Send',
  pending: 'Sending…',
  sent: 'Sent',
  failed: 'Not sent',
  loadingHistory: 'Loading messages…',
  composerHint: 'Enter to send, Shift+Enter for a new line',
  read: 'Read',
  typing: (names: string[]) => (names.length === 1 ? `${names[0]} is typing…` : `${names.join(', ')} are typing…`),
  online: 'Online',
  offline: 'Offline',
  language: 'Language',

  // group details
  groupDetails: 'Group details',
  roles: { owner: 'Owner', admin: 'Admin', member: 'Member' } as Record<string, string>,
  youSuffix: '(you)',
  rename: 'Rename',
  remove: 'Remove',
  makeAdmin: 'Make admin',
  makeAdminOf: (name: string) => `Make ${name} admin`,
  removeAdmin: 'Remove admin',
  removeAdminOf: (name: string) => `Remove admin role from ${name}`,
  addMembers: 'Add members',
  leaveGroup: 'Leave group',
  leave: 'Leave',
  cancel: 'Cancel',
  leaveConfirm: (title: string) => `Leave “${title}”?`,
  leaveHint: 'You will stop getting its messages; a member who manages the group can add you again.',
  leaveOwnerHint: (name: string) => `${name} becomes the owner.`,
  noLongerMember: (title: string) => `You are no longer a member of “${title}”.`,

  // sessions
  sessions: 'Sessions',
  sessionsTitle: 'Signed-in devices',
  thisDevice: 'This device',
  signedInAt: (when: string) => `Signed in ${when}`,
  lastActiveAt: (when: string) => `Last active ${when}`,
  revoke: (device: string) => `Revoke ${device}`,
  revokeShort: 'Revoke',
  signOutOthers: 'Sign out other devices',
  noOtherSessions: 'No other device is signed in.',

  // notifications
  enableNotifications: 'Enable notifications',
  notificationsBlocked: 'Notifications are blocked in the browser settings.',
  retry: 'Retry',

  // message features
  edited: 'edited',
  recalledByMe: 'You recalled a message',
  recalledBy: (name: string) => `${name} recalled a message`,
  replyingTo: (name: string) => `Replying to ${name}`,
  quoteOf: (name: string) => `Quote of ${name}`,
  quotedRecalled: 'Message recalled',
  forwardedFrom: (name: string) => `Forwarded from ${name}`,
  messageActions: 'Message actions',
  reply: 'Reply',
  edit: 'Edit',
  editing: 'Editing message',
  save: 'Save',
  recall: 'Recall',
  recallConfirm: 'Recall this message for everyone?',
  deleteForMe: 'Delete for me',
  forward: 'Forward',
  forwardTo: 'Forward to…',
  react: 'React',
  reactWith: (emoji: string) => `React with ${emoji}`,
  reactionSummary: (emoji: string, count: number, names: string) => `${emoji} ${count}: ${names}`,
  attach: 'Attach a file',
  uploading: (percent: number) => `Uploading… ${percent}%`,
  download: (name: string) => `Download ${name}`,
  image: (name: string) => `Image ${name}`,
  mentionsYou: 'You were mentioned',
  muted: 'Muted',
  pinned: 'Pinned',
  archived: 'Archived',
  archivedCount: (n: number) => `Archived (${n})`,
  mute: 'Mute',
  unmute: 'Unmute',
  pin: 'Pin',
  unpin: 'Unpin',
  archive: 'Archive',
  unarchive: 'Unarchive',
  block: 'Block',
  unblock: 'Unblock',
  blocked: 'Blocked',
  searchMessages: 'Search messages',
  searchThisChat: 'Search in this conversation',
  searchEverywhere: 'Search all conversations',
  noMatches: 'No messages found.',
  moreResults: 'More results',

  // connection banner
  connection: {
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    offline: 'You are offline. Messages will be sent when you reconnect.',
    online: '',
    stopped: '',
  } as Record<string, string>,

  // admin console (app/admin)
  admin: adminEn,
}

export type Strings = typeof en
