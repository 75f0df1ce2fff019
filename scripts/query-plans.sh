#!/usr/bin/env bash
# Prints, as Markdown, the PostgreSQL plans of the store's hot queries (the SQL the server sends, taken from its EF
# Core command log and from Storage/PostgresAppendCommands.cs) over one shard filled with synthetic data:
# 50,000 direct conversations and 500 groups of 50, 1,000,000 messages. docs/operations.md quotes its output.
#
#   scripts/query-plans.sh                   starts a throwaway PostgreSQL 15 on loopback (as scripts/test.sh does)
#   TOKENIM_PG=<admin connection> scripts/query-plans.sh   uses that server instead (host, port, user are read from it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pg_bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/tokenim-plans.XXXXXX)
chown postgres:postgres "$work" 2>/dev/null || true
started=
cleanup() {
  if [ -n "$started" ]; then su postgres -c "$pg_bin/pg_ctl -D $work/data -m immediate -w stop" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${TOKENIM_PG:-}" ]; then
  host=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$TOKENIM_PG"); port=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$TOKENIM_PG")
  user=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$TOKENIM_PG")
else
  host=127.0.0.1; user=postgres
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  su postgres -c "$pg_bin/initdb -D $work/data -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
  su postgres -c "$pg_bin/pg_ctl -D $work/data -l $work/log -w start -o \"-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off\"" >/dev/null
  started=1
fi
db=tokenim_plans_$$
psql_admin() { psql -qX -h "$host" -p "$port" -U "$user" -d postgres "$@"; }
q() { psql -qX -h "$host" -p "$port" -U "$user" -d "$db" "$@"; }
psql_admin -c "CREATE DATABASE $db" >/dev/null
trap 'psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; cleanup' EXIT

# The schema exactly as the server's migrations make it.
dotnet tool restore >/dev/null
dotnet ef migrations script --idempotent --configuration Release --project src/TokenIM.Server \
  --context PostgresTokenImDbContext -o "$work/schema.sql" >/dev/null
q -f "$work/schema.sql" >/dev/null

# Synthetic data: ids shaped like the server's (32 hex digits), 20 messages per direct conversation and 1,000 per group.
q >/dev/null <<'SQL'
INSERT INTO conversations ("Id", "Type", "DirectKey", "LastSeq", "CreatedAt", "UpdatedAt", "MemberCount")
SELECT md5('d' || i), 'direct', md5('k' || i), 10, i, i, 2 FROM generate_series(1, 50000) i;
INSERT INTO conversations ("Id", "Type", "Title", "LastSeq", "CreatedAt", "UpdatedAt", "MemberCount")
SELECT md5('g' || i), 'group', 'group ' || i, 1000, i, i, 50 FROM generate_series(1, 500) i;
INSERT INTO members ("ConversationId", "UserId", "Role", "ReadSeq", "JoinedAt")
SELECT md5('d' || i), md5('u' || (i % 5000)), 'member', 10, i FROM generate_series(1, 50000) i
UNION ALL SELECT md5('d' || i), md5('u' || ((i * 7 + 1) % 5000 + 5000)), 'member', 10, i FROM generate_series(1, 50000) i
UNION ALL SELECT md5('g' || g), md5('u' || ((g * 50 + j) % 10000)), 'member', 500, g FROM generate_series(1, 500) g, generate_series(0, 49) j
ON CONFLICT DO NOTHING;
INSERT INTO user_conversations ("UserId", "ConversationId") SELECT "UserId", "ConversationId" FROM members;
INSERT INTO messages ("ConversationId", "Seq", "Id", "SenderId", "ClientMsgId", "Text", "CreatedAt")
SELECT md5('d' || i), s, md5('m' || i || ':' || s), md5('u' || (i % 5000)), 'c' || s, 'hello ' || s, i FROM generate_series(1, 50000) i, generate_series(1, 10) s
UNION ALL SELECT md5('g' || g), s, md5('n' || g || ':' || s), md5('u' || ((g * 50 + s % 50) % 10000)), 'c' || s, 'hi ' || s, g FROM generate_series(1, 500) g, generate_series(1, 1000) s;
ANALYZE;
SQL

conversation=$(q -At -c "SELECT md5('g1')")
member=$(q -At -c "SELECT md5('u51')")
# A batch of 1,000 sends for the repeat lookup, 10 of them repeats: the size where a plain join's plan went wrong.
batch_conversations=$(q -At -c "SELECT array_agg(md5('d' || i)) FROM generate_series(1, 1000) i")
batch_senders=$(q -At -c "SELECT array_agg(md5('u' || (i % 5000))) FROM generate_series(1, 1000) i")
batch_client_ids=$(q -At -c "SELECT array_agg(CASE WHEN i % 100 = 0 THEN 'c1' ELSE 'new' END) FROM generate_series(1, 1000) i")
plan() {
  printf '\n### %s\n\n```sql\n%s\n```\n\n```\n' "$1" "$2"
  q -c "PREPARE p AS $2" -c "SET plan_cache_mode = force_generic_plan" -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE p$3" -c "DEALLOCATE p" \
    | sed -e '/^ *QUERY PLAN/d' -e '/^-\+$/d' -e '/^([0-9]* rows)$/d' -e '/^$/d'
  printf '```\n'
}

echo "Plans over one shard holding 50,500 conversations, 101,000 memberships (the user below has 10 direct ones and"
echo "5 groups) and 1,000,000 messages in the 16 hash partitions; generic plans (as prepared statements run), actual rows."
plan "History page (newest first, below a seq)" \
  'SELECT m."ConversationId", m."Seq", m."ClientMsgId", m."CreatedAt", m."Id", m."SenderId", m."Text" FROM messages AS m WHERE m."ConversationId" = $1 AND m."Seq" < $2 ORDER BY m."Seq" DESC LIMIT $3' \
  "('$conversation', 800, 50)"
plan "Append: lock the batch's conversations" \
  'SELECT * FROM "conversations" WHERE "Id" = ANY($1) ORDER BY "Id" FOR UPDATE' \
  "(ARRAY['$conversation', md5('d2')])"
plan "Append: the senders' memberships" \
  'SELECT m."ConversationId", m."UserId" FROM members AS m WHERE m."ConversationId" = ANY ($1) AND m."UserId" = ANY ($2)' \
  "(ARRAY['$conversation', md5('d2')], ARRAY['$member', md5('u2')])"
plan "Append: repeats of the batch's clientMsgIds (a batch of 1,000 sends, 10 of them repeats)" \
  'SELECT k.conversation, k.sender, k.client_msg_id, m."Seq", m."Id", m."Text", m."CreatedAt" FROM unnest($1::text[], $2::text[], $3::text[]) AS k(conversation, sender, client_msg_id) CROSS JOIN LATERAL (SELECT "Seq", "Id", "Text", "CreatedAt" FROM "messages" WHERE "ConversationId" = k.conversation AND "SenderId" = k.sender AND "ClientMsgId" = k.client_msg_id LIMIT 1) m' \
  "('$batch_conversations', '$batch_senders', '$batch_client_ids')"
plan "Membership check (REST reads, read markers)" \
  'SELECT m."ConversationId", m."UserId", m."JoinedAt", m."ReadSeq", m."Role", c."Type", c."LastSeq" FROM members AS m INNER JOIN conversations AS c ON m."ConversationId" = c."Id" WHERE m."ConversationId" = $1 AND m."UserId" = $2 LIMIT 1' \
  "('$conversation', '$member')"
plan "Roster (fan-out recipients, cached in memory)" \
  'SELECT m."UserId" FROM members AS m WHERE m."ConversationId" = $1 ORDER BY m."JoinedAt", m."UserId"' \
  "('$conversation')"
plan "Conversation list: the user's index on their home shard" \
  'SELECT u."ConversationId" FROM user_conversations AS u WHERE u."UserId" = $1' "('$member')"
plan "Conversation list: memberships and conversations on one shard" \
  'SELECT m."ConversationId", m."UserId", m."JoinedAt", m."ReadSeq", m."Role", c."Id", c."LastSeq", c."Title", c."Type", c."UpdatedAt" FROM members AS m INNER JOIN conversations AS c ON m."ConversationId" = c."Id" WHERE m."UserId" = $1' \
  "('$member')"
plan "Conversation list: last messages" \
  'SELECT m.* FROM messages AS m INNER JOIN conversations AS c ON m."ConversationId" = c."Id" AND m."Seq" = c."LastSeq" WHERE EXISTS (SELECT 1 FROM members AS me WHERE me."UserId" = $1 AND me."ConversationId" = m."ConversationId")' \
  "('$member')"
