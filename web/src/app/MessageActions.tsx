import { useState } from 'react'
import { t } from '../i18n'
import { ReactionPicker } from './MessageExtras'

/** What the reader may do with a delivered message; an absent handler hides its action. */
export interface MessageActionHandlers {
  reply?: () => void
  react?: (emoji: string) => void
  edit?: () => void
  recall?: () => void
  hide?: () => void
  forward?: () => void
}

/**
 * The "…" menu of a message: reply, react, edit and recall (when allowed), delete for me, forward. A plain list of
 * buttons in a disclosure, so it works with the keyboard and screen readers without a menu library.
 */
export function MessageActions({ handlers }: { handlers: MessageActionHandlers }) {
  const [open, setOpen] = useState(false)
  const [picking, setPicking] = useState(false)
  const run = (action?: () => void) => () => {
    setOpen(false)
    action?.()
  }
  return (
    <span className="message-actions">
      <button
        type="button" className="ghost actions-toggle" data-testid="message-actions" aria-label={t.messageActions}
        aria-expanded={open} onClick={() => { setOpen(!open); setPicking(false) }}
      >
        ⋯
      </button>
      {open && (
        <span className="actions-menu" role="group" aria-label={t.messageActions}>
          {picking && handlers.react
            ? <ReactionPicker onPick={(emoji) => { setOpen(false); handlers.react!(emoji) }} />
            : (
              <>
                {handlers.reply && <button type="button" data-testid="action-reply" onClick={run(handlers.reply)}>{t.reply}</button>}
                {handlers.react && <button type="button" data-testid="action-react" onClick={() => setPicking(true)}>{t.react}</button>}
                {handlers.edit && <button type="button" data-testid="action-edit" onClick={run(handlers.edit)}>{t.edit}</button>}
                {handlers.forward && <button type="button" data-testid="action-forward" onClick={run(handlers.forward)}>{t.forward}</button>}
                {handlers.recall && <button type="button" data-testid="action-recall" onClick={run(handlers.recall)}>{t.recall}</button>}
                {handlers.hide && <button type="button" data-testid="action-hide" onClick={run(handlers.hide)}>{t.deleteForMe}</button>}
              </>
            )}
        </span>
      )}
    </span>
  )
}
