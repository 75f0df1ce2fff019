import { useState } from 'react'
import type { Conversation } from '../sdk'
import { t } from '../i18n'
import type { FeatureActions } from './features'

interface Props {
  conversation: Conversation
  /** The other person of a direct chat (blocking applies to them). */
  peerId?: string
  blocked: boolean
  features: FeatureActions
}

/** The chat header's "⋮" menu: the user's own settings of this conversation, and blocking the other person. */
export function ConversationMenu({ conversation: c, peerId, blocked, features }: Props) {
  const [open, setOpen] = useState(false)
  const run = (action: () => Promise<void>) => () => {
    setOpen(false)
    void action()
  }
  return (
    <span className="conversation-menu">
      <button type="button" className="ghost" data-testid="conversation-menu" aria-expanded={open} aria-label={t.messageActions} onClick={() => setOpen(!open)}>
        ⋮
      </button>
      {open && (
        <span className="actions-menu below" role="group">
          <button type="button" data-testid="toggle-mute" onClick={run(() => features.settings(c.id, { muted: !c.muted }))}>{c.muted ? t.unmute : t.mute}</button>
          <button type="button" data-testid="toggle-pin" onClick={run(() => features.settings(c.id, { pinned: !c.pinned }))}>{c.pinned ? t.unpin : t.pin}</button>
          <button type="button" data-testid="toggle-archive" onClick={run(() => features.settings(c.id, { archived: !c.archived }))}>{c.archived ? t.unarchive : t.archive}</button>
          {peerId && (
            <button type="button" data-testid="toggle-block" onClick={run(() => features.block(peerId, !blocked))}>{blocked ? t.unblock : t.block}</button>
          )}
        </span>
      )}
    </span>
  )
}
