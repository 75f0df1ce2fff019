import { useId, useState, type FormEvent } from 'react'
import type { User } from '../sdk'
import { t } from '../i18n'
import type { ChatStore } from './store'
import { useModalDialog } from './useModalDialog'
import { UserSearch } from './UserSearch'

interface Props {
  store: ChatStore
  onClose: () => void
  onCreated: (conversationId: string) => Promise<void>
}

/** Creates a group: a title, and members picked by username search. */
export function NewGroupDialog({ store, onClose, onCreated }: Props) {
  const [title, setTitle] = useState('')
  const [members, setMembers] = useState<User[]>([])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState(false)
  const dialogRef = useModalDialog(onClose)
  const id = useId()

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!title.trim() || busy) return
    setBusy(true)
    setError(false)
    try {
      await onCreated(await store.createGroup(title.trim(), members))
    } catch {
      setError(true)
      setBusy(false)
    }
  }

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`}>
      <form onSubmit={(e) => void submit(e)}>
        <header className="dialog-header">
          <h2 id={`${id}-title`}>{t.newGroup}</h2>
          <button type="button" className="ghost" onClick={onClose} aria-label={t.close}>×</button>
        </header>
        <label htmlFor={`${id}-name`}>{t.groupTitle}</label>
        <input
          id={`${id}-name`} data-testid="new-group-title" required maxLength={100} data-autofocus autoComplete="off"
          value={title} onChange={(e) => setTitle(e.target.value)}
        />
        {members.length > 0 && (
          <ul className="chips" aria-label={t.groupMembers}>
            {members.map((m) => (
              <li key={m.id} className="chip" data-testid="new-group-member" data-username={m.username}>
                {m.displayName}
                <button
                  type="button" className="ghost" aria-label={t.removeMember(m.displayName)}
                  onClick={() => setMembers(members.filter((x) => x.id !== m.id))}
                >×</button>
              </li>
            ))}
          </ul>
        )}
        <UserSearch
          store={store} testId="new-group" clearOnPick
          exclude={(u) => members.some((m) => m.id === u.id)}
          onPick={(u) => setMembers([...members, u])}
        />
        {error && <p className="form-error" role="alert">{t.errors.generic}</p>}
        <button type="submit" className="primary dialog-submit" data-testid="new-group-create" disabled={!title.trim() || busy}>
          {busy ? t.working : t.createGroup}
        </button>
      </form>
    </dialog>
  )
}
