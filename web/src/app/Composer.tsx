import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import type { Conversation, Message, SendOptions, User } from '../sdk'
import { t } from '../i18n'
import { insertMention, mentionCandidates, mentionQuery } from './mentionInput'

interface Props {
  conversation: Conversation
  me: User
  users: Record<string, User>
  /** The kept draft of this conversation, and where to keep changes. */
  draft: string
  onDraft: (text: string) => void
  onTyping: () => void
  onSend: (text: string, options?: SendOptions) => void
  /** The message being answered, shown above the field until sent or cancelled. */
  replyTo: Message | null
  onCancelReply: () => void
  /** The user's own message being edited: the field holds its text; sending saves it. */
  editing: Message | null
  onSaveEdit: (text: string) => void
  onCancelEdit: () => void
  /** Uploads a file, reporting progress (0–100); resolves when sent. Absent: no attach button. */
  onAttach?: (file: File, progress: (percent: number) => void) => Promise<void>
  nameOf: (userId: string) => string
}

/** The message field: Enter sends, Shift+Enter breaks the line; @ offers members; a reply or an edit shows above it. */
export function Composer(props: Props) {
  const { conversation, me, users, draft, onDraft, replyTo, editing } = props
  const [caret, setCaret] = useState(0)
  const [chosen, setChosen] = useState(0)
  const [upload, setUpload] = useState<number | null>(null)
  const field = useRef<HTMLTextAreaElement>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const id = useId()
  const [text, setText] = useState(editing ? editing.text : draft)

  useEffect(() => {
    setText(editing ? editing.text : draft)
    field.current?.focus()
    // Only when an edit starts or ends: typing must not reset the field.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editing])
  useEffect(() => field.current?.focus(), [replyTo])

  const query = mentionQuery(text, caret)
  const members = conversation.memberIds.map((uid) => users[uid]).filter((u): u is User => !!u)
  const candidates = query && conversation.type === 'group' ? mentionCandidates(members, query.prefix, me.id) : []

  function change(value: string, at: number) {
    setText(value)
    setCaret(at)
    setChosen(0)
    if (!editing) {
      onDraft(value)
      if (value.trim()) props.onTyping()
    }
  }

  function pick(user: User) {
    if (!query) return
    const next = insertMention(text, query, user.username)
    change(next.text, next.caret)
    requestAnimationFrame(() => field.current?.setSelectionRange(next.caret, next.caret))
  }

  function submit() {
    const value = text.trim()
    if (!value) return
    if (editing) {
      if (value !== editing.text) props.onSaveEdit(value)
      else props.onCancelEdit()
      return
    }
    props.onSend(value, replyTo ? { replyToId: replyTo.id } : undefined)
    change('', 0)
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (candidates.length > 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault()
      setChosen((chosen + (event.key === 'ArrowDown' ? 1 : candidates.length - 1)) % candidates.length)
      return
    }
    if (candidates.length > 0 && (event.key === 'Tab' || (event.key === 'Enter' && !event.shiftKey))) {
      event.preventDefault()
      pick(candidates[chosen]!)
      return
    }
    if (event.key === 'Escape' && (editing || replyTo)) {
      event.preventDefault()
      if (editing) props.onCancelEdit()
      else props.onCancelReply()
      return
    }
    // Enter sends; Shift+Enter (and Enter while an IME is composing) makes a new line.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      submit()
    }
  }

  async function attach(file: File) {
    if (!props.onAttach) return
    setUpload(0)
    try {
      await props.onAttach(file, setUpload)
    } finally {
      setUpload(null)
    }
  }

  return (
    <div className="composer-wrap">
      {(replyTo || editing) && (
        <div className="composer-context" data-testid={editing ? 'editing' : 'replying'}>
          <span className="context-text">
            {editing ? t.editing : t.replyingTo(props.nameOf(replyTo!.senderId))}
            {replyTo && <span className="muted">{` ${replyTo.text.slice(0, 80)}`}</span>}
          </span>
          <button type="button" className="ghost" aria-label={t.cancel} onClick={editing ? props.onCancelEdit : props.onCancelReply}>✕</button>
        </div>
      )}
      {upload !== null && <div className="upload-progress muted" role="status" data-testid="upload-progress">{t.uploading(upload)}</div>}
      {candidates.length > 0 && (
        <ul className="mention-suggestions" role="listbox" aria-label={t.groupMembers} data-testid="mention-suggestions">
          {candidates.map((u, i) => (
            <li key={u.id} role="option" aria-selected={i === chosen}>
              <button type="button" className="ghost" onMouseDown={(e) => e.preventDefault()} onClick={() => pick(u)}>
                {u.displayName} <span className="muted">@{u.username}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="composer" onSubmit={(e) => { e.preventDefault(); submit() }}>
        {props.onAttach && !editing && (
          <>
            <input
              ref={fileInput} type="file" hidden data-testid="file-input"
              onChange={(e) => {
                const file = e.target.files?.[0]
                e.target.value = ''
                if (file) void attach(file)
              }}
            />
            <button type="button" className="ghost attach" data-testid="attach" aria-label={t.attach} title={t.attach} disabled={upload !== null} onClick={() => fileInput.current?.click()}>
              📎
            </button>
          </>
        )}
        <label htmlFor={`${id}-composer`} className="visually-hidden">{t.message}</label>
        <textarea
          id={`${id}-composer`} ref={field} data-testid="composer" rows={1} value={text}
          placeholder={t.messagePlaceholder} maxLength={4000} aria-describedby={`${id}-hint`}
          onChange={(e) => change(e.target.value, e.target.selectionStart)}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
        />
        <span id={`${id}-hint`} className="visually-hidden">{t.composerHint}</span>
        <button type="submit" className="primary" data-testid="send" disabled={!text.trim()}>{editing ? t.save : t.send}</button>
      </form>
    </div>
  )
}
