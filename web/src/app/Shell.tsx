import { useEffect, useState, useSyncExternalStore } from 'react'
import type { TokenImRest, User } from '../sdk'
import { t } from '../i18n'
import { ChatStore } from './store'
import { ConversationList } from './ConversationList'
import { ChatView } from './ChatView'
import { NewChatDialog } from './NewChatDialog'
import { NewGroupDialog } from './NewGroupDialog'
import { Avatar } from './Avatar'
import { LanguageSwitch } from './LanguageSwitch'

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

  useEffect(() => {
    store.start()
    return () => store.stop()
  }, [store])

  async function signOut() {
    store.stop()
    await rest.logout().catch(() => undefined)
    onSignOut()
  }

  const active = state.conversations.find((c) => c.id === state.activeId) ?? null
  const banner = t.connection[state.connection]

  return (
    <div className={`shell${active ? ' has-active' : ''}`}>
      <aside className="sidebar" aria-label={t.conversations}>
        <header className="sidebar-header">
          <Avatar name={me.displayName} />
          <div className="me">
            <strong>{me.displayName}</strong>
            <span className="muted">@{me.username}</span>
          </div>
          <button type="button" className="ghost" data-testid="sign-out" onClick={signOut}>{t.signOut}</button>
        </header>
        <div className="sidebar-actions">
          <button type="button" className="primary" data-testid="new-chat" onClick={() => setNewChat(true)}>{t.newChat}</button>
          <button type="button" className="secondary" data-testid="new-group" onClick={() => setNewGroup(true)}>{t.newGroup}</button>
          <LanguageSwitch />
        </div>
        <ConversationList store={store} state={state} onOpen={(id) => void store.open(id)} />
      </aside>
      <main className="main">
        {banner && <div className={`banner banner-${state.connection}`} role="status" data-testid="connection-banner">{banner}</div>}
        {active ? (
          <ChatView key={active.id} store={store} state={state} conversation={active} onBack={() => void store.open(null)} />
        ) : (
          <div className="empty-main">{t.pickConversation}</div>
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
