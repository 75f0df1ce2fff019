#!/usr/bin/env bash
# The echo bot of docs/integration.md with nothing but curl and jq: it answers every message in the conversations its
# bot user belongs to with the same text, sent as the bot through the server API. curl cannot receive webhooks, so
# this one polls: it holds a token minted for the bot (refreshed as it expires) to list its conversations, and reads
# what is new in each by seq.
#   TOKENIM_URL=http://127.0.0.1:8080 TOKENIM_API_KEY=tim_… BOT_USER_ID=… samples/echo-bot.sh
# The key needs the scopes tokens:mint and messages:write. POLL_SECONDS (default 1) sets the pace.
set -euo pipefail
: "${TOKENIM_URL:?set TOKENIM_URL}" "${TOKENIM_API_KEY:?set TOKENIM_API_KEY}" "${BOT_USER_ID:?set BOT_USER_ID}"
url=${TOKENIM_URL%/}
poll=${POLL_SECONDS:-1}

server() { # METHOD PATH [BODY]: the server API, with the key
  curl -sS --fail-with-body -X "$1" "$url/api/v1/server$2" -H "Authorization: Bearer $TOKENIM_API_KEY" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}

tokens=$(server POST "/users/$BOT_USER_ID/tokens" '{"deviceName":"echo bot (curl)"}')
access=$(jq -r .accessToken <<<"$tokens")
refresh=$(jq -r .refreshToken <<<"$tokens")

as_bot() { # PATH: a GET of the user API as the bot; a 401 (the access token expired) refreshes the pair once
  local answer status
  answer=$(curl -sS -w '\n%{http_code}' "$url/api/v1$1" -H "Authorization: Bearer $access")
  status=${answer##*$'\n'}
  if [ "$status" = 401 ]; then
    tokens=$(curl -sS --fail-with-body -X POST "$url/api/v1/auth/refresh" -H 'Content-Type: application/json' \
      -d "$(jq -nc --arg r "$refresh" '{refreshToken: $r}')")
    access=$(jq -r .accessToken <<<"$tokens")
    refresh=$(jq -r .refreshToken <<<"$tokens")
    answer=$(curl -sS -w '\n%{http_code}' "$url/api/v1$1" -H "Authorization: Bearer $access")
    status=${answer##*$'\n'}
  fi
  [ "$status" = 200 ] || { echo "GET $1: $status ${answer%$'\n'*}" >&2; return 1; }
  printf '%s' "${answer%$'\n'*}"
}

# The last seq handled per conversation. A conversation first seen starts at the bot's read marker: where it joined,
# or its last answer. Answering a message twice (after a restart) is harmless: the clientMsgId names the message
# answered, so the server stores the echo once.
declare -A seen
echo "echo bot $BOT_USER_ID polling $url every ${poll}s" >&2
while true; do
  while IFS=$'\t' read -r id last read_seq; do
    [ -n "${seen[$id]+x}" ] || seen[$id]=$read_seq
    while [ "${seen[$id]}" -lt "$last" ]; do
      page=$(as_bot "/conversations/$id/messages?afterSeq=${seen[$id]}&limit=100")
      while read -r message; do
        if [ "$(jq -r .senderId <<<"$message")" != "$BOT_USER_ID" ]; then
          # A refusal or a network error: try again at the next round, from this message on.
          server POST "/conversations/$id/messages" \
            "$(jq -c --arg s "$BOT_USER_ID" '{senderId: $s, clientMsgId: "echo-\(.seq)", text}' <<<"$message")" >/dev/null \
            || break 2
        fi
        seen[$id]=$(jq -r .seq <<<"$message")
      done < <(jq -c '.messages[]' <<<"$page")
      [ "$(jq -r .hasMore <<<"$page")" = true ] || break
    done
  done < <(as_bot /conversations | jq -r '.conversations[] | [.id, .lastSeq, .readSeq] | @tsv')
  sleep "$poll"
done
