using WorktreeTools.Configuration;
using WorktreeTools.Core.Merging;
using WorktreeTools.Core.Merging.Forecast;
using WorktreeTools.Merging;
using WorktreeTools.Testing;

namespace WorktreeTools.Core.Tests.Merging.Forecast;

/// <summary>
/// A repository with 26 issue branches that between them produce every kind of conflict git reports (content,
/// add/add, modify/delete, rename/rename, rename/delete, binary, file/directory), the merges git makes cleanly that a
/// naive forecast gets wrong (rename + modify, mode + content, <c>merge=union</c> from the base's and from the receiving
/// branch's own <c>.gitattributes</c>), the conflicts the policies resolve (lockfile, migration numbers) and one branch
/// that conflicts with its base. Built once per test class; tests that merge for real put <c>main</c> back.
/// </summary>
public sealed class ConflictFixture : IDisposable
{
    public ConflictFixture()
    {
        Repo = new MergeRepo(withRemote: false);
        var r = Repo.Repo;
        r.Write("src/a.txt", "a1\na2\na3\na4\na5\na6\n");
        r.Write("src/doc.txt", "doc\n");
        r.Write("src/old.txt", string.Concat(Enumerable.Range(1, 20).Select(i => $"old line {i}\n")));
        r.Write("src/big.txt", string.Concat(Enumerable.Range(1, 30).Select(i => $"big line {i}\n")));
        Directory.CreateDirectory(Path.Combine(Repo.Root, "img"));
        File.WriteAllBytes(Path.Combine(Repo.Root, "img", "logo.bin"), [0, 1, 2, 3, 0, 5]);
        r.Write("scripts/run.sh", "#!/bin/sh\necho 1\necho 2\n");
        r.Write("notes/union.txt", "n1\nn2\n");
        r.Write("notes/other.txt", "o1\no2\n");
        r.Write(".gitattributes", "notes/union.txt merge=union\n");
        r.Write("pnpm-lock.yaml", "react\n");
        r.Commit("fixture files");

        Add("101", "content", w => Write(w, "src/a.txt", "a1\na2 by 101\na3\na4\na5\na6\n"));
        Add("102", "content", w => Write(w, "src/a.txt", "a1\na2 by 102\na3\na4\na5\na6\n"));
        Add("103", "modify/delete", w => Git(w, "rm", "-q", "src/doc.txt"));
        Add("104", "modify/delete", w => Write(w, "src/doc.txt", "doc by 104\n"));
        Add("105", "rename/rename", w => Git(w, "mv", "src/old.txt", "src/old-one.txt"));
        Add("106", "rename/rename", w => Git(w, "mv", "src/old.txt", "src/old-two.txt"));
        Add("107", "rename/delete", w => Git(w, "rm", "-q", "src/old.txt"));
        Add("108", "add/add", w => Write(w, "src/new.txt", "one\n"));
        Add("109", "add/add", w => Write(w, "src/new.txt", "two\n"));
        Add("110", "binary", w => File.WriteAllBytes(Path.Combine(w, "img", "logo.bin"), [0, 1, 2, 3, 0, 110]));
        Add("111", "binary", w => File.WriteAllBytes(Path.Combine(w, "img", "logo.bin"), [0, 1, 2, 3, 0, 111]));
        Add("112", "file/directory", w => Write(w, "lib/thing", "a file\n"));
        Add("113", "file/directory", w => Write(w, "lib/thing/inner.txt", "a directory\n"));
        Add("114", "rename+modify", w => Git(w, "mv", "src/big.txt", "src/moved.txt"));
        Add("115", "rename+modify", w => Write(w, "src/big.txt", string.Concat(Enumerable.Range(1, 30).Select(i => i == 15 ? "big line 15 by 115\n" : $"big line {i}\n"))));
        Add("116", "mode+content", w =>
        {
            // git add takes the mode from the file where the file system has one (core.fileMode), from the index elsewhere.
            if (OperatingSystem.IsWindows()) Git(w, "update-index", "--chmod=+x", "scripts/run.sh");
            else File.SetUnixFileMode(Path.Combine(w, "scripts", "run.sh"), File.GetUnixFileMode(Path.Combine(w, "scripts", "run.sh")) | UnixFileMode.UserExecute);
        });
        Add("117", "mode+content", w => Write(w, "scripts/run.sh", "#!/bin/sh\necho 1\necho two\n"));
        Add("118", "union", w => Write(w, "notes/union.txt", "n1\nn2\nby 118\n"));
        Add("119", "union", w => Write(w, "notes/union.txt", "n1\nn2\nby 119\n"));
        Add("120", "own union", w =>
        {
            Write(w, ".gitattributes", "notes/union.txt merge=union\nnotes/other.txt merge=union\n");
            Write(w, "notes/other.txt", "o1\no2\nby 120\n");
        });
        Add("121", "own union", w => Write(w, "notes/other.txt", "o1\no2\nby 121\n"));
        Add("122", "lockfile", w => Write(w, "pnpm-lock.yaml", "react\nleft-pad\n"));
        Add("123", "lockfile", w => Write(w, "pnpm-lock.yaml", "react\nright-pad\n"));
        Add("124", "migration", w => Write(w, "migrations/0002_same.sql", "alter table t add a int;\n"));
        Add("125", "migration", w => Write(w, "migrations/0002_same.sql", "alter table t add b int;\n"));
        Add("126", "stale", w => Write(w, "src/a.txt", "a1\na2\na3\na4\na5\na6 by 126\n"));
        // main moves on after the issues branched: 126 now conflicts with its base.
        r.Write("src/a.txt", "a1\na2\na3\na4\na5\na6 on main\n");
        Main = r.Commit("main edits a6");
    }

    internal MergeRepo Repo { get; }
    public string Main { get; }
    public List<IssueToMerge> Issues { get; } = [];
    public Dictionary<string, string> Case { get; } = [];

    /// <summary>The policies of the real run: lockfiles regenerated (by a command that keeps the base's), migrations renumbered.</summary>
    public MergeSettings Settings => new()
    {
        Lockfiles = new LockfileSettings { Regenerate = MergeRepo.Command("merge.lockfiles.regenerate", "true") },
        Migrations = new MigrationSettings { Directory = "migrations" },
    };

    public string Tip(IssueToMerge issue) => Repo.Tip(issue.Branch);

    public List<ForecastIssue> Sides(IEnumerable<IssueToMerge>? issues = null) =>
        (issues ?? Issues).Select(i => new ForecastIssue(i.Issue, i.Branch, Tip(i), "main", Main)).ToList();

    /// <summary>Puts main (and the main checkout) back where the fixture left it.</summary>
    public void ResetMain() => Repo.Git("reset", "-q", "--hard", Main);

    private void Add(string id, string what, Action<string> change)
    {
        var issue = Repo.Issue(id);
        var w = Repo.WorktreeOf(id);
        change(w);
        Git(w, "add", "-A");
        Git(w, "commit", "-q", "-m", $"issue {id}: {what}");
        Issues.Add(issue);
        Case[id] = what;
    }

    private static void Write(string dir, string file, string content)
    {
        var full = Path.Combine(dir, file);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private static void Git(string dir, params string[] args) => TestRepo.Run(dir, args);

    public void Dispose() => Repo.Dispose();
}
