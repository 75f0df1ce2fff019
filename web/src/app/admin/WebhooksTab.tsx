import { useEffect, useId, useState } from 'react'
import { t } from '../../i18n'
import { errorText } from '../errorText'
import { dateTime } from '../format'
import type { AdminApi, WebhookDelivery, WebhookEndpoint } from './adminApi'

/** The webhook endpoints, and the delivery log of the one picked (newest first). */
export function WebhooksTab({ api }: { api: AdminApi }) {
  const id = useId()
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null)
  const [picked, setPicked] = useState<string | null>(null)
  const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    api.webhooks().then((w) => setEndpoints(w.endpoints), (e: unknown) => setError(errorText(e)))
  }, [api])

  async function show(endpointId: string) {
    setPicked(endpointId)
    setError(null)
    try {
      setDeliveries((await api.deliveries(endpointId)).deliveries)
    } catch (e) {
      setError(errorText(e))
    }
  }

  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="visually-hidden">{t.admin.tabs.webhooks}</h2>
      {error && <p className="error" role="alert">{error}</p>}
      {endpoints && endpoints.length === 0 && <p className="muted">{t.admin.noEndpoints}</p>}
      {endpoints && endpoints.length > 0 && (
        <ul className="admin-list" data-testid="admin-webhooks">
          {endpoints.map((w) => (
            <li key={w.id} data-testid="admin-webhook-row" aria-current={picked === w.id ? 'true' : undefined}>
              <span>
                <code>{w.url}</code>{' '}
                <span className="muted small">{w.events.join(', ')}{w.enabled ? '' : ` · ${t.admin.paused}`}</span>
              </span>
              <button type="button" className="secondary" onClick={() => void show(w.id)}>{t.admin.deliveries}</button>
            </li>
          ))}
        </ul>
      )}
      {picked && deliveries && (
        deliveries.length === 0 ? <p className="muted">{t.admin.noDeliveries}</p> : (
          <table className="admin-table" data-testid="admin-deliveries">
            <caption>{t.admin.deliveries}</caption>
            <thead>
              <tr>
                <th scope="col">{t.admin.event}</th>
                <th scope="col">{t.admin.state}</th>
                <th scope="col">{t.admin.attempts}</th>
                <th scope="col">{t.admin.httpStatus}</th>
                <th scope="col">{t.admin.when}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id} data-testid="admin-delivery-row" data-event-type={d.eventType} data-state={d.state}>
                  <td>{d.eventType}</td>
                  <td><span className={`badge${d.state === 'dead' ? ' badge-danger' : ''}`}>{t.admin.deliveryState[d.state] ?? d.state}</span></td>
                  <td>{d.attempts}</td>
                  <td>{d.lastStatusCode ?? (d.lastError ? '–' : '')}</td>
                  <td className="small">{dateTime(d.lastAttemptAt ?? d.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </section>
  )
}
