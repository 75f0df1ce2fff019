import { useId, type ReactNode } from 'react'
import { t } from '../i18n'
import { useModalDialog } from './useModalDialog'

interface Props {
  title: string
  children?: ReactNode
  confirmLabel: string
  onConfirm: () => void
  onCancel: () => void
  busy?: boolean
}

/** A yes/no question in a modal; Escape and Cancel say no. The safe choice (Cancel) has the focus first. */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel, busy = false }: Props) {
  const ref = useModalDialog(onCancel)
  const id = useId()
  return (
    <dialog ref={ref} className="dialog confirm" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`} className="confirm-body">{children}</div>
      <div className="dialog-actions">
        <button type="button" className="secondary" data-testid="confirm-cancel" data-autofocus onClick={onCancel}>{t.cancel}</button>
        <button type="button" className="danger" data-testid="confirm-accept" disabled={busy} onClick={onConfirm}>
          {busy ? t.working : confirmLabel}
        </button>
      </div>
    </dialog>
  )
}
