import { useId } from 'react'
import type { User } from '../sdk'
import { t } from '../i18n'
import type { ChatStore } from './store'
import { useModalDialog } from './useModalDialog'
import { UserSearch } from './UserSearch'

interface Props {
  store: ChatStore
  onClose: () => void
  onPicked: (user: User) => Promise<void>
}

/** Finds a user by username prefix and opens (or creates) the direct chat with them. */
export function NewChatDialog({ store, onClose, onPicked }: Props) {
  const dialogRef = useModalDialog(onClose)
  const id = useId()

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`}>
      <header className="dialog-header">
        <h2 id={`${id}-title`}>{t.newChat}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label={t.close}>×</button>
      </header>
      <UserSearch store={store} testId="new-chat" autoFocus onPick={(user) => void onPicked(user)} />
    </dialog>
  )
}
