using System.Globalization;

namespace TokenIM.IntegrationTests.Faults;

/// <summary>
/// Whether a process holds SQLite's WAL write lock on a database, read from outside it through /proc: no hook in the
/// server. In WAL mode a writer takes this lock with its transaction's first write and keeps it until the commit is
/// done, so holding it means a write transaction (a batch of the group commit) is open. SQLite's unix VFS takes it as
/// a POSIX lock on byte 120 of the <c>-shm</c> file (the first of its eight shm lock bytes: write, checkpoint,
/// recover, then the read marks); a checkpoint that blocks writers takes byte 121 as well and is told apart.
/// See https://www.sqlite.org/walformat.html ("The WAL-Index Locks").
/// </summary>
internal static class SqliteWriteLock
{
    private const long WriteLockByte = 120;
    private const long CheckpointLockByte = 121;

    /// <summary>
    /// True if <paramref name="pid"/> holds the write lock and not the checkpoint lock on the database whose shm
    /// file is <paramref name="shmPath"/>. Read it while the process is stopped, or the answer is already old.
    /// </summary>
    public static bool IsWriting(int pid, string shmPath)
    {
        if (ShmInode(pid, shmPath) is not { } inode)
            return false;
        var (write, checkpoint) = (false, false);
        foreach (var line in File.ReadLines("/proc/locks"))
        {
            // "1: POSIX  ADVISORY  WRITE 4711 08:01:123456 120 120" (an id, then type, mode, access, pid, dev:inode, range).
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8 || fields[1] != "POSIX" || fields[3] != "WRITE" || fields[4] != pid.ToString(CultureInfo.InvariantCulture)
                || !fields[5].EndsWith($":{inode}", StringComparison.Ordinal))
                continue;
            var (start, end) = (long.Parse(fields[6], CultureInfo.InvariantCulture), fields[7] == "EOF" ? long.MaxValue : long.Parse(fields[7], CultureInfo.InvariantCulture));
            write |= start <= WriteLockByte && WriteLockByte <= end;
            checkpoint |= start <= CheckpointLockByte && CheckpointLockByte <= end;
        }
        return write && !checkpoint;
    }

    /// <summary>The inode of the shm file as the process maps it (SQLite maps it shared), from /proc/pid/maps.</summary>
    private static string? ShmInode(int pid, string shmPath)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/maps"))
        {
            // "7f0c2a000000-7f0c2a008000 rw-s 00000000 08:01 123456   /tmp/x/tokenim.db-shm"
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 6 && fields[5].Trim() == shmPath)
                return fields[4];
        }
        return null;
    }
}
