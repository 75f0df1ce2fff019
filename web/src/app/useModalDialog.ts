import { useEffect, useRef } from 'react'

/**
 * Shows a `<dialog>` as a modal while the component is mounted. The browser then keeps focus inside it (the rest of
 * the page is inert) and Escape asks to close it; `onClose` decides (the owner unmounts the dialog). Focus starts on
 * the descendant marked `data-autofocus` (else the browser's pick: the first focusable one). On unmount focus
 * returns to the element that had it when the dialog opened. Native listeners, not React's `onCancel`/`onClose`: those
 * would also reach a dialog's React ancestors, so closing a nested confirmation would close its parent too.
 */
export function useModalDialog(onClose: () => void) {
  const ref = useRef<HTMLDialogElement>(null)
  const close = useRef(onClose)

  useEffect(() => {
    close.current = onClose
  }, [onClose])

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!dialog.open) dialog.showModal?.()
    // Not React's `autoFocus`: React focuses during commit, while the dialog is still closed (not rendered), and it
    // writes no `autofocus` attribute, so `showModal()` would move focus to the first focusable element (Close).
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus()
    const onCancel = (event: Event) => {
      event.preventDefault()
      close.current()
    }
    // Closed by the browser itself (a cancel it did not let the page prevent): tell the owner too.
    const onNativeClose = () => close.current()
    dialog.addEventListener('cancel', onCancel)
    dialog.addEventListener('close', onNativeClose)
    return () => {
      dialog.removeEventListener('cancel', onCancel)
      dialog.removeEventListener('close', onNativeClose)
      if (dialog.open) dialog.close()
      if (opener?.isConnected) opener.focus()
    }
  }, [])

  return ref
}
