using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace OneClick.Web.Persistence;

/// <summary>
/// Whether a connection is inside a transaction of any kind: one begun, or the read transaction of a
/// statement still stepping. SQLitePCL does not expose <c>sqlite3_txn_state</c> (SQLite 3.34), so it is
/// called in the SQLite library SQLitePCL loads (<c>e_sqlite3</c>). Where that library lacks it, the
/// connection's autocommit flag answers for begun transactions only.
/// </summary>
internal static class SqliteTransactionState
{
    private static bool missing;

    public static bool InAny(SqliteConnection connection)
    {
        var handle = connection.Handle!;
        if (!Volatile.Read(ref missing))
        {
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                return TxnState(handle.DangerousGetHandle(), IntPtr.Zero) != 0; // SQLITE_TXN_NONE is 0
            }
            catch (EntryPointNotFoundException)
            {
                Volatile.Write(ref missing, true);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        return SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0;
    }

    // Found as SQLitePCL's own imports find it: the native asset the application ships.
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_txn_state", ExactSpelling = true)]
    private static extern int TxnState(IntPtr db, IntPtr schema);
}
