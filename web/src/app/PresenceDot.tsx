import { t } from '../i18n'

/**
 * A small green (online) or grey (offline) dot. With `speak`, its state is also given in words for assistive
 * technology; inside a conversation item it is silent, so the item's accessible name still begins with the title.
 */
export function PresenceDot({ online, speak = true }: { online: boolean; speak?: boolean }) {
  const label = online ? t.online : t.offline
  return (
    <span
      className={`presence-dot${online ? ' online' : ''}`} data-testid="presence-dot" data-online={String(online)}
      title={label} aria-hidden={speak ? undefined : true}
    >
      {speak && <span className="visually-hidden">{label}</span>}
    </span>
  )
}
