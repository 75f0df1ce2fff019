import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { TokenImRest, User } from '../sdk'
import { t } from '../i18n'
import { ChatStore } from './store'
import { ConversationList } from './ConversationList'
import { ChatView } from './ChatView'
import { NewChatDialog } from './NewChatDialog'
import { NewGroupDialog } from './NewGroupDialog'
import { Avatar } from './Avatar'
import { LanguageSwitch } from './LanguageSwitch'
import { GroupActions } from './groupActions'
import { ChatFeatures } from './chatFeatures'
import { SearchPanel } from './SearchPanel'
import { SessionsDialog } from './SessionsDialog'
import { useDesktopNotifications } from './useDesktopNotifications'
import { AdminConsole } from './admin/AdminConsole'
import { useIsAdmin } from './admin/useIsAdmin'

interface Props {
  rest: TokenImRest
  me: User
  onSignOut: () => void
}

/** The signed-in app: the conversation list beside the open chat (one pane at a time on narrow screens). */
export function Shell({ rest, me, onSignOut }: Props) {
  const [store] = useState(() => new ChatStore(rest, me))
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot)
  const [newChat, setNewChat] = useState(false)
  const [newGroup, setNewGroup] = useState(false)
  const [sessions, setSessions] = useState(false)
  const [groups] = useState(() => new GroupActions(rest, store))
  const [features] = useState(() => new ChatFeatures(rest, store))
  const notifications = useDesktopNotifications(store)
  const isAdmin = useIsAdmin(rest)
  const [adminOpen, setAdminOpen] = useState(false)
  const sidebarRef = useRef<HTMLElement>(null)
  const newChatRef = useRef<HTMLButtonElement>(null)
  const shownId = useRef<string | null>(null)

  useEffect(() => {
    store.start()
    features.loadBlocked().catch(() => undefined)
    return () => store.stop()
  }, [store, features])

  // With no chat open, focus must not be left on <body> (after signing in, or when the open chat went away with the
  // focus inside it: "Back to conversations" on a phone, leaving a group): go to the conversation just left, else to
  // "New chat". Focus the user put somewhere else stays there.
  useEffect(() => {
    const left = shownId.current
    shownId.current = state.activeId
    if (state.activeId !== null || (document.activeElement && document.activeElement !== document.body)) return
    const item = left ? sidebarRef.current?.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(left)}"]`) : null
    ;(item ?? newChatRef.current)?.focus()
  }, [state.activeId])

  async function signOut() {
    store.stop()
    store.drafts.clear()
    await rest.logout().catch(() => undefined)
    onSignOut()
  }

  const active = state.conversations.find((c) => c.id === state.activeId) ?? null
  const banner = t.connection[state.connection]
  if (adminOpen && isAdmin) return <AdminConsole rest={rest} me={me} onClose={() => setAdminOpen(false)} />

  return (
    <div className={`shell${active ? ' has-active' : ''}`}>
      <aside className="sidebar" ref={sidebarRef} aria-label={t.conversations}>
        <header className="sidebar-header">
          <Avatar name={me.displayName} />
          <div className="me">
            <strong>{me.displayName}</strong>
            <span className="muted">@{me.username}</span>
          </div>
          <button type="button" className="ghost" data-testid="sign-out" onClick={signOut}>{t.signOut}</button>
        </header>
        <div className="sidebar-actions">
          <button type="button" className="primary" data-testid="new-chat" ref={newChatRef} onClick={() => setNewChat(true)}>{t.newChat}</button>
          <button type="button" className="secondary" data-testid="new-group" onClick={() => setNewGroup(true)}>{t.newGroup}</button>
        </div>
        <SearchPanel
          features={features} activeId={state.activeId} nameOf={(id) => (id === me.id ? t.you : store.displayName(id))}
          titleOf={(id) => { const c = state.conversations.find((x) => x.id === id); return c ? store.title(c) : '' }}
          onOpen={(m) => void store.open(m.conversationId).then(() => requestAnimationFrame(() =>
            document.querySelector(`[data-testid='message'][data-seq='${m.seq}']`)?.scrollIntoView({ block: 'center' })))}
        />
        <ConversationList store={store} state={state} onOpen={(id) => void store.open(id)} />
        <footer className="sidebar-footer">
          <button type="button" className="ghost" data-testid="sessions" onClick={() => setSessions(true)}>{t.sessions}</button>
          {isAdmin && <button type="button" className="ghost" data-testid="open-admin" onClick={() => setAdminOpen(true)}>{t.admin.open}</button>}
          {notifications.permission === 'default' && (
            <button type="button" className="ghost" data-testid="enable-notifications" onClick={() => void notifications.request()}>
              {t.enableNotifications}
            </button>
          )}
          {notifications.permission === 'denied' && <span className="muted small">{t.notificationsBlocked}</span>}
          <LanguageSwitch />
        </footer>
      </aside>
      <main className="main">
        {banner && <div className={`banner banner-${state.connection}`} role="status" data-testid="connection-banner">{banner}</div>}
        {active ? (
          <ChatView key={active.id} store={store} groups={groups} features={features} state={state} conversation={active} onBack={() => void store.open(null)} />
        ) : (
          <div className="empty-main" role={state.goneTitle ? 'status' : undefined} data-testid={state.goneTitle ? 'gone-notice' : undefined}>
            {state.goneTitle ? t.noLongerMember(state.goneTitle) : t.pickConversation}
          </div>
        )}
      </main>
      {newChat && (
        <NewChatDialog
          store={store}
          onClose={() => setNewChat(false)}
          onPicked={async (user) => {
            const id = await store.startDirect(user)
            setNewChat(false)
            await store.open(id)
          }}
        />
      )}
      {sessions && <SessionsDialog rest={rest} onClose={() => setSessions(false)} onSignOut={() => void signOut()} />}
      {newGroup && (
        <NewGroupDialog
          store={store}
          onClose={() => setNewGroup(false)}
          onCreated={async (id) => {
            setNewGroup(false)
            await store.open(id)
          }}
        />
      )}
    </div>
  )
}
