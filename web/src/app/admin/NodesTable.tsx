import { t } from '../../i18n'
import type { NodeStats } from './adminApi'
import { compact } from './series'

/** The live nodes of the cluster (one on a single node), as the stats answer lists them. */
export function NodesTable({ nodes }: { nodes: NodeStats[] }) {
  return (
    <table className="admin-table" data-testid="nodes-table">
      <caption className="visually-hidden">{t.admin.tabs.nodes}</caption>
      <thead>
        <tr>
          <th scope="col">{t.admin.node}</th>
          <th scope="col">{t.admin.host}</th>
          <th scope="col">{t.admin.version}</th>
          <th scope="col">{t.admin.uptime}</th>
          <th scope="col">{t.admin.sockets}</th>
          <th scope="col">{t.admin.messagesPerSecond}</th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((n) => (
          <tr key={n.nodeId} data-testid="node-row">
            <td><code>{n.nodeId}</code></td>
            <td>{n.host}</td>
            <td>{n.version}</td>
            <td>{uptime(n.uptimeSeconds)}</td>
            <td>{n.openSockets}</td>
            <td>{compact(n.messagesPerSecond)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** 42 s, 12 min, 3 h 5 min, 2 d 4 h. */
export function uptime(seconds: number): string {
  const s = Math.floor(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min`
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`
}
