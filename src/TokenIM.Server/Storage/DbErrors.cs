using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace TokenIM.Server.Storage;

/// <summary>The provider errors the stores answer as values.</summary>
internal static class DbErrors
{
    /// <summary>A unique key refused the write: the race it decides was lost.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => IsUniqueViolationError(exception.InnerException);

    /// <summary>The same for <c>ExecuteUpdate</c>, which throws the provider's exception unwrapped.</summary>
    public static bool IsUniqueViolationError(Exception? exception) => exception switch
    {
        DbUpdateException update => IsUniqueViolationError(update.InnerException),
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555, // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
        Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
