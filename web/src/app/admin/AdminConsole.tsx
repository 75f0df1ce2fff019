import { useId, useRef, useState, type KeyboardEvent } from 'react'
import type { TokenImRest, User } from '../../sdk'
import { t } from '../../i18n'
import { AdminApi } from './adminApi'
import { OverviewTab } from './OverviewTab'
import { UsersTab } from './UsersTab'
import { ConversationsTab } from './ConversationsTab'
import { ApiKeysTab } from './ApiKeysTab'
import { WebhooksTab } from './WebhooksTab'
import './admin.css'

const tabs = ['overview', 'nodes', 'users', 'conversations', 'apiKeys', 'webhooks'] as const
type Tab = (typeof tabs)[number]

interface Props {
  rest: TokenImRest
  me: User
  onClose: () => void
}

/**
 * The admin console: the server API through the admin's own session (the server grants an admin's token the
 * console's scopes, checked on every request). Tabs follow the WAI-ARIA tabs pattern (arrow keys move between them).
 */
export function AdminConsole({ rest, me, onClose }: Props) {
  const [api] = useState(() => new AdminApi(rest))
  const [tab, setTab] = useState<Tab>('overview')
  const id = useId()
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>())

  function onKey(event: KeyboardEvent) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (!step) return
    event.preventDefault()
    const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]!
    setTab(next)
    tabRefs.current.get(next)?.focus()
  }

  return (
    <div className="admin" data-testid="admin-console">
      <header className="admin-header">
        <h1>{t.admin.title}</h1>
        <button type="button" className="ghost" onClick={onClose} data-testid="admin-close">{t.admin.backToChats}</button>
      </header>
      <div role="tablist" aria-label={t.admin.title} className="admin-tabs" onKeyDown={onKey}>
        {tabs.map((name) => (
          <button key={name} type="button" role="tab" id={`${id}-${name}`} aria-selected={tab === name} aria-controls={`${id}-panel`}
            tabIndex={tab === name ? 0 : -1} data-testid={`admin-tab-${name}`}
            ref={(el) => { if (el) tabRefs.current.set(name, el) }} onClick={() => setTab(name)}>
            {t.admin.tabs[name]}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-${tab}`} className="admin-panel" tabIndex={0}>
        {tab === 'overview' && <OverviewTab api={api} view="overview" />}
        {tab === 'nodes' && <OverviewTab api={api} view="nodes" />}
        {tab === 'users' && <UsersTab api={api} meId={me.id} />}
        {tab === 'conversations' && <ConversationsTab api={api} />}
        {tab === 'apiKeys' && <ApiKeysTab api={api} />}
        {tab === 'webhooks' && <WebhooksTab api={api} />}
      </div>
    </div>
  )
}
