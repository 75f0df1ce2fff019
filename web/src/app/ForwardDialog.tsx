import { useId } from 'react'
import type { Conversation } from '../sdk'
import { t } from '../i18n'
import { useModalDialog } from './useModalDialog'

interface Props {
  conversations: Conversation[]
  title: (c: Conversation) => string
  onPick: (conversationId: string) => void
  onClose: () => void
}

/** Picks the conversation a message is forwarded to. */
export function ForwardDialog({ conversations, title, onPick, onClose }: Props) {
  const ref = useModalDialog(onClose)
  const id = useId()
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-title`} data-testid="forward-dialog">
      <h2 id={`${id}-title`}>{t.forwardTo}</h2>
      <ul className="forward-list">
        {conversations.map((c) => (
          <li key={c.id}>
            <button type="button" className="ghost" data-testid="forward-target" data-conversation-id={c.id} onClick={() => onPick(c.id)}>
              {title(c)}
            </button>
          </li>
        ))}
      </ul>
      <div className="dialog-actions">
        <button type="button" className="secondary" data-autofocus onClick={onClose}>{t.cancel}</button>
      </div>
    </dialog>
  )
}
