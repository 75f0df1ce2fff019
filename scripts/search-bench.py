#!/usr/bin/env python3
"""Search measurements for docs/benchmarks.md ("Search"): the trigram index against a scan, on SQLite and PostgreSQL.

Same schema and the same queries as src/TokenIM.Server (Storage/EfChatStore.Search.cs and the MessageSearch
migrations), on a synthetic corpus with a fixed seed: CONVERSATIONS conversations of MESSAGES/CONVERSATIONS messages,
USERS users in GROUP_SIZE-member groups, text mixing Chinese, Japanese, Korean and English without spaces between CJK
words. Usage: scripts/search-bench.py [sqlite|postgres PG_CONNINFO_FOR_PSQL]. Python's own sqlite3 module runs the SQLite
part (same FTS5 code as the server's e_sqlite3; versions printed), psql the PostgreSQL part.
"""
import os, random, sqlite3, statistics, subprocess, sys, tempfile, time

SEED = 20261127
CONVERSATIONS, MESSAGES, USERS, GROUP_SIZE = 200, 200_000, 400, 10
BATCH = 1024  # the group commit's largest batch
QUERIES = 200  # per query kind

ZH = "我们 明天 北京 见面 吧 会议 项目 报告 今天 晚上 吃饭 上海 公司 电话 时间 问题 朋友 学校 老师 工作 周末 旅行 天气 不错 谢谢 你好 文件 发送 检查 开始".split()
JA = "明日 東京駅 会い ましょう 会議 資料 確認 お願い します 今日 天気 いい です ね 電話 ください ランチ 行き ます".split()
KO = "내일 서울역 에서 만나요 회의 자료 확인 부탁 합니다 오늘 날씨 좋네요 점심 먹어요 전화 주세요".split()
EN = "the meeting report tomorrow lunch Airport project deadline weekly review please check send call weekend trip weather thanks hello file".split()

# Query kinds: (label, words to draw from). 3+ characters go through the index; 2-character ones cannot.
KINDS = [
    ("zh 3+ chars (东京站-like, rare)", ["北京见", "项目报", "周末旅", "会议时"]),
    ("ja 3+ chars", ["東京駅", "確認お", "ランチ"]),
    ("ko 3+ chars", ["서울역", "만나요", "부탁합"]),
    ("en 3+ chars, common", ["the", "report", "MEETING"]),
    ("zh 2 chars", ["北京", "会议", "项目", "周末"]),
]


def sentence(rnd):
    lang = rnd.random()
    if lang < 0.4:
        return "".join(rnd.choice(ZH) for _ in range(rnd.randint(3, 12)))
    if lang < 0.55:
        return "".join(rnd.choice(JA) for _ in range(rnd.randint(3, 10)))
    if lang < 0.7:
        return " ".join(rnd.choice(KO) for _ in range(rnd.randint(2, 8)))
    return " ".join(rnd.choice(EN) for _ in range(rnd.randint(3, 14)))


def corpus():
    rnd = random.Random(SEED)
    members = []
    for c in range(CONVERSATIONS):
        for u in rnd.sample(range(USERS), GROUP_SIZE):
            members.append((f"c{c:04d}", f"u{u:04d}"))
    messages = []
    seqs = [0] * CONVERSATIONS
    t0 = 1_790_000_000_000
    for i in range(MESSAGES):
        c = rnd.randrange(CONVERSATIONS)
        seqs[c] += 1
        messages.append((f"c{c:04d}", seqs[c], f"m{i:07d}", "u0000", f"k{i}", sentence(rnd), t0 + i * 10))
    hidden = [(m[0], "u0001", m[1]) for m in rnd.sample(messages, 500)]
    queries = {label: [(rnd.choice(words), f"u{rnd.randrange(USERS):04d}") for _ in range(QUERIES)] for label, words in KINDS}
    return members, messages, hidden, queries


def pct(xs):
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(len(xs) * 0.99))]


def like(q):
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


TAIL = """ AND m."RecalledAt" IS NULL
 AND NOT EXISTS (SELECT 1 FROM "hidden_messages" AS h WHERE h."ConversationId" = m."ConversationId" AND h."UserId" = {u} AND h."Seq" = m."Seq")
 AND (m."CreatedAt", m."ConversationId", m."Seq") < ({big}, '', 0)
 ORDER BY m."CreatedAt" DESC, m."ConversationId" DESC, m."Seq" DESC LIMIT 21"""
MEMBER = 'EXISTS (SELECT 1 FROM "members" AS me WHERE me."ConversationId" = m."ConversationId" AND me."UserId" = {u}) AND '
SCAN_FROM = 'SELECT m.* FROM "members" AS me JOIN "messages" AS m ON m."ConversationId" = me."ConversationId" WHERE me."UserId" = {u} AND '

SQLITE_SCHEMA = """
PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE "members" ("ConversationId" TEXT NOT NULL, "UserId" TEXT NOT NULL, PRIMARY KEY ("ConversationId", "UserId"));
CREATE INDEX "IX_members_UserId" ON "members" ("UserId");
CREATE TABLE "messages" ("ConversationId" TEXT NOT NULL, "Seq" INTEGER NOT NULL, "Id" TEXT NOT NULL, "SenderId" TEXT NOT NULL,
  "ClientMsgId" TEXT NOT NULL, "Text" TEXT NOT NULL, "CreatedAt" INTEGER NOT NULL, "RecalledAt" INTEGER NULL,
  CONSTRAINT "PK_messages" PRIMARY KEY ("ConversationId", "Seq"));
CREATE UNIQUE INDEX "IX_messages_Id" ON "messages" ("Id");
CREATE UNIQUE INDEX "IX_messages_ConversationId_SenderId_ClientMsgId" ON "messages" ("ConversationId", "SenderId", "ClientMsgId");
CREATE TABLE "hidden_messages" ("ConversationId" TEXT NOT NULL, "UserId" TEXT NOT NULL, "Seq" INTEGER NOT NULL, PRIMARY KEY ("ConversationId", "UserId", "Seq"));
"""
SQLITE_FTS = """
CREATE VIRTUAL TABLE "messages_fts" USING fts5("Text", content='messages', content_rowid='rowid', tokenize='trigram case_sensitive 0');
CREATE TRIGGER "messages_fts_insert" AFTER INSERT ON "messages" BEGIN INSERT INTO "messages_fts"(rowid, "Text") VALUES (new.rowid, new."Text"); END;
CREATE TRIGGER "messages_fts_delete" AFTER DELETE ON "messages" BEGIN INSERT INTO "messages_fts"("messages_fts", rowid, "Text") VALUES ('delete', old.rowid, old."Text"); END;
CREATE TRIGGER "messages_fts_update" AFTER UPDATE OF "Text" ON "messages" BEGIN
  INSERT INTO "messages_fts"("messages_fts", rowid, "Text") VALUES ('delete', old.rowid, old."Text");
  INSERT INTO "messages_fts"(rowid, "Text") VALUES (new.rowid, new."Text"); END;
"""


def sqlite_load(path, fts, members, messages, hidden):
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(SQLITE_SCHEMA + (SQLITE_FTS if fts else ""))
    db.executemany('INSERT INTO "members" VALUES (?, ?)', members)
    db.executemany('INSERT INTO "hidden_messages" VALUES (?, ?, ?)', hidden)
    start = time.perf_counter()
    for i in range(0, len(messages), BATCH):
        db.execute("BEGIN IMMEDIATE")
        db.executemany('INSERT INTO "messages" ("ConversationId","Seq","Id","SenderId","ClientMsgId","Text","CreatedAt") VALUES (?,?,?,?,?,?,?)', messages[i:i + BATCH])
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db, elapsed


def sqlite_run(db, sql, args):
    start = time.perf_counter()
    rows = db.execute(sql, args).fetchall()
    return (time.perf_counter() - start) * 1000, len(rows)


def sqlite_bench(members, messages, hidden, queries):
    print(f"SQLite {sqlite3.sqlite_version} (Python's module), {MESSAGES:,} messages in {CONVERSATIONS} conversations, {USERS} users")
    with tempfile.TemporaryDirectory() as tmp:
        plain, t_plain = sqlite_load(os.path.join(tmp, "plain.db"), False, members, messages, hidden)
        indexed, t_fts = sqlite_load(os.path.join(tmp, "fts.db"), True, members, messages, hidden)
        size = lambda name: os.path.getsize(os.path.join(tmp, name))
        # What SearchIndexer does instead of a trigger per row: the same rows, 1,000 per transaction, after the fact.
        batched, t_again = sqlite_load(os.path.join(tmp, "batched.db"), False, members, messages, hidden)
        batched.executescript(SQLITE_FTS.split("CREATE TRIGGER")[0])
        start = time.perf_counter()
        for lo in range(0, MESSAGES, 1000):
            batched.execute("BEGIN IMMEDIATE")
            batched.execute('INSERT INTO "messages_fts"(rowid, "Text") SELECT rowid, "Text" FROM "messages" WHERE rowid > ? AND rowid <= ?', (lo, lo + 1000))
            batched.execute("COMMIT")
        t_batched = time.perf_counter() - start
        print(f"insert, {BATCH}-row transactions: without index {t_plain / MESSAGES * 1e6:.1f} us/msg (again: {t_again / MESSAGES * 1e6:.1f}), "
              f"with an FTS5 trigram trigger per row {t_fts / MESSAGES * 1e6:.1f} us/msg; indexed afterwards 1,000 rows a transaction: {t_batched / MESSAGES * 1e6:.1f} us/msg")
        print(f"file size: without {size('plain.db') / 2**20:.1f} MiB, with {size('fts.db') / 2**20:.1f} MiB (index +{(size('fts.db') - size('plain.db')) / 2**20:.1f} MiB); text itself {sum(len(m[5].encode()) for m in messages) / 2**20:.1f} MiB")
        p = lambda s: s.replace("{u}", "?").replace("{big}", str(2**62))
        fts_sql = p('SELECT m.* FROM "messages" AS m WHERE ' + MEMBER + 'm.rowid IN (SELECT rowid FROM "messages_fts" WHERE "messages_fts" MATCH ?)' + TAIL)
        scan_sql = p(SCAN_FROM + "m.\"Text\" LIKE ? ESCAPE '\\'" + TAIL)
        full_sql = p('SELECT m.* FROM "messages" AS m WHERE ' + MEMBER + "m.\"Text\" LIKE ? ESCAPE '\\'" + TAIL)
        print("| query kind | FTS5 trigram p50 / p99 ms | scan of the caller's conversations p50 / p99 ms | LIKE over every message p50 / p99 ms | rows (avg) |")
        for label, qs in queries.items():
            short = len(qs[0][0]) < 3
            res = {}
            for name, sql, make in [("fts", fts_sql, lambda q, u: (u, '"' + q + '"', u)), ("scan", scan_sql, lambda q, u: (u, like(q), u)), ("full", full_sql, lambda q, u: (u, like(q), u))]:
                if name == "fts" and short:
                    continue
                db = indexed if name == "fts" else plain
                times, counts = zip(*(sqlite_run(db, sql, make(q, u)) for q, u in qs))
                res[name] = (pct(times), statistics.mean(counts))
            cell = lambda n: f"{res[n][0][0]:.2f} / {res[n][0][1]:.2f}" if n in res else "n/a (< 3 chars)"
            print(f"| {label} | {cell('fts')} | {cell('scan')} | {cell('full')} | {res['scan'][1]:.1f} |")


def psql(conninfo, script):
    out = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", conninfo], input=script, capture_output=True, text=True, check=True)
    return out.stdout


def pg_times(conninfo, statements):
    out = psql(conninfo, "\\timing on\n" + "\n".join(statements) + "\n")
    return [float(line.split()[1]) for line in out.splitlines() if line.startswith("Time: ")]


def pg_bench(conninfo, members, messages, hidden, queries):
    print(psql(conninfo, "SELECT version();").strip())
    lit = lambda s: "'" + s.replace("'", "''") + "'"
    parts = "\n".join(f'CREATE TABLE "messages_p{i:02d}" PARTITION OF "messages" FOR VALUES WITH (MODULUS 16, REMAINDER {i});' for i in range(16))
    psql(conninfo, f"""
DROP TABLE IF EXISTS "messages", "members", "hidden_messages", "staging";
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE "members" ("ConversationId" text NOT NULL, "UserId" text NOT NULL, PRIMARY KEY ("ConversationId", "UserId"));
CREATE INDEX ON "members" ("UserId");
CREATE TABLE "hidden_messages" ("ConversationId" text NOT NULL, "UserId" text NOT NULL, "Seq" bigint NOT NULL, PRIMARY KEY ("ConversationId", "UserId", "Seq"));
CREATE TABLE "messages" ("ConversationId" text NOT NULL, "Seq" bigint NOT NULL, "Id" text NOT NULL, "SenderId" text NOT NULL,
  "ClientMsgId" varchar(64) NOT NULL, "Text" text NOT NULL, "CreatedAt" bigint NOT NULL, "RecalledAt" bigint NULL,
  PRIMARY KEY ("ConversationId", "Seq")) PARTITION BY HASH ("ConversationId");
{parts}
CREATE UNIQUE INDEX ON "messages" ("ConversationId", "Id");
CREATE UNIQUE INDEX ON "messages" ("ConversationId", "SenderId", "ClientMsgId");
CREATE TABLE "staging" (b int, "ConversationId" text, "Seq" bigint, "Id" text, "SenderId" text, "ClientMsgId" text, "Text" text, "CreatedAt" bigint);
""")
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        for i, m in enumerate(messages):
            f.write("\t".join([str(i // BATCH)] + [str(x) for x in m]) + "\n")
        staging = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        f.write("".join(f"{c}\t{u}\n" for c, u in members))
        member_file = f.name
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        f.write("".join(f"{c}\t{u}\t{s}\n" for c, u, s in hidden))
        hidden_file = f.name
    psql(conninfo, f"\\copy staging FROM '{staging}'\n\\copy members FROM '{member_file}'\n\\copy hidden_messages FROM '{hidden_file}'\nANALYZE staging;")
    batches = (len(messages) + BATCH - 1) // BATCH
    insert = [f'INSERT INTO "messages" SELECT "ConversationId","Seq","Id","SenderId","ClientMsgId","Text","CreatedAt" FROM staging WHERE b = {k};' for k in range(batches)]
    # Half the batches without the index, then the same half again with it (same rows, table emptied between).
    half = insert[: batches // 2]
    t_plain = sum(pg_times(conninfo, half))
    psql(conninfo, 'TRUNCATE "messages"; CREATE INDEX "IX_messages_Text_trgm" ON "messages" USING gin ("Text" gin_trgm_ops);')
    t_gin = sum(pg_times(conninfo, half))
    pg_times(conninfo, insert[batches // 2:])
    n = min(len(messages), len(half) * BATCH)
    print(f"insert, {BATCH}-row statements (autocommit): without index {t_plain * 1000 / n:.1f} us/msg, with the pg_trgm GIN index {t_gin * 1000 / n:.1f} us/msg")
    psql(conninfo, 'VACUUM ANALYZE "messages"; VACUUM ANALYZE "members";')
    sizes = psql(conninfo, """SELECT pg_size_pretty(sum(pg_relation_size(i.indexrelid))) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname ILIKE 'messages_p%text%idx';
SELECT pg_size_pretty(sum(pg_relation_size(c.oid))) FROM pg_class c WHERE c.relname ~ '^messages_p[0-9]+$';""").split()
    print(f"GIN index {sizes[0]} {sizes[1]}; table heap {sizes[2]} {sizes[3]}")
    tail = lambda u: TAIL.replace("{u}", lit(u)).replace("{big}", str(2**62))
    print("| query kind | pg_trgm GIN p50 / p99 ms | scan of the caller's conversations (lateral) p50 / p99 ms |")
    for label, qs in queries.items():
        short = len(qs[0][0]) < 3
        gin = [f'SELECT count(*) FROM (SELECT m.* FROM "messages" AS m WHERE {MEMBER.replace("{u}", lit(u))}m."Text" ILIKE {lit(like(q))}{tail(u)}) x;' for q, u in qs]
        # As the server does on PostgreSQL: one lateral subquery per membership, pruned to its partition.
        scan = [f'''SELECT count(*) FROM (SELECT m.* FROM "members" AS me CROSS JOIN LATERAL (SELECT x.* FROM "messages" AS x
 WHERE x."ConversationId" = me."ConversationId" AND x."Text" ILIKE {lit(like(q))} AND x."RecalledAt" IS NULL
 AND NOT EXISTS (SELECT 1 FROM "hidden_messages" AS h WHERE h."ConversationId" = x."ConversationId" AND h."UserId" = {lit(u)} AND h."Seq" = x."Seq")
 ORDER BY x."CreatedAt" DESC, x."Seq" DESC LIMIT 21) AS m WHERE me."UserId" = {lit(u)}
 ORDER BY m."CreatedAt" DESC, m."ConversationId" DESC, m."Seq" DESC LIMIT 21) y;'''.replace("\n", "") for q, u in qs]
        g = "n/a (< 3 chars)" if short else "%.2f / %.2f" % pct(pg_times(conninfo, gin))
        s = "%.2f / %.2f" % pct(pg_times(conninfo, scan))
        print(f"| {label} | {g} | {s} |")


if __name__ == "__main__":
    data = corpus()
    if len(sys.argv) > 2 and sys.argv[1] == "postgres":
        pg_bench(sys.argv[2], *data)
    else:
        sqlite_bench(*data)
