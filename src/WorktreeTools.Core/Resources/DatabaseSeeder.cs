using Microsoft.Data.Sqlite;

namespace WorktreeTools.Core.Resources;

/// <summary>Per-issue database files.</summary>
public static class DatabaseSeeder
{
    /// <summary>
    /// Copies the SQLite database <paramref name="source"/> to <paramref name="target"/> with SQLite's online
    /// backup API: consistent even while a dev server has the source open in WAL mode with writes in flight.
    /// </summary>
    public static void Copy(string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + ".seeding";
        File.Delete(temp);
        try
        {
            using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
            using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Pooling = false }.ToString()))
            {
                from.Open();
                to.Open();
                from.BackupDatabase(to);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch (SqliteException ex)
        {
            File.Delete(temp);
            throw new WorktreeToolsException("DatabaseSeedFailed", ErrorKind.ReadError,
                $"Could not copy the database {source} to {target}: {ex.Message}", source, ex);
        }
    }
}
