using System.Text.RegularExpressions;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging.Migrations;

/// <summary>The layouts of migrations the policy knows.</summary>
internal enum MigrationKind
{
    /// <summary><c>0002_name.sql</c>: a sequence; each new one follows the newest.</summary>
    Numbered,
    /// <summary><c>20261129110000_name.sql</c>: the time it was written.</summary>
    Timestamp,
    /// <summary><c>20261129110000_name/migration.sql</c>: one folder per migration (Prisma; Diesel's <c>up.sql</c> too).</summary>
    Prisma,
    /// <summary>drizzle-kit's output: <c>0002_name.sql</c>, <c>meta/_journal.json</c>, <c>meta/0002_snapshot.json</c>.</summary>
    Drizzle,
}

/// <summary>
/// The migrations policy: when an issue adds migrations that a base which moved on would apply wrongly, they are given
/// names that apply right, in one separate commit, and a Drizzle journal lists both sides' migrations. What "wrongly"
/// means depends on how the migration tool picks pending migrations:
/// <list type="bullet">
/// <item>Numbered files (and Drizzle, whose migrator skips every migration whose <c>when</c> is not after the newest
/// applied one): every new migration must come after the base's newest, so they are renumbered to follow it, same width,
/// same order (the workflow document's <c>0002_issue-101</c>, <c>0003_issue-102</c>).</item>
/// <item>Timestamped files and Prisma folders: Rails, Prisma, Knex, dbmate, Laravel and Diesel record every migration
/// they applied and apply an older pending one when it arrives; renaming a migration a database already ran makes them
/// run it again. So a timestamp is only changed when the base already has that version (two migrations with one version
/// are refused or one is skipped), to the next free valid instant. Tools that only remember the newest applied version
/// (golang-migrate, goose without <c>--allow-missing</c>, Flyway without <c>outOfOrder</c>, Supabase's <c>db push</c>)
/// set <c>outOfOrder: false</c>: then every new migration is moved after the base's newest.</item>
/// </list>
/// Anything in a migrations folder that looks like a migration but that the policy does not understand is reported
/// ("not handled") instead of renamed. The plan is computed from commits (<see cref="Plan"/>) and applied by
/// <see cref="MigrationPlan"/> to a worktree, a stopped merge, or a tree in a temporary index.
/// </summary>
internal sealed partial class MigrationPolicy
{
    public const string FilePattern = @"^(?<n>\d+)_(?<name>.+)\.sql$";
    public const string FolderPattern = @"^(?<n>\d+(?:-\d+)*)_(?<name>.+)$";
    private const string Journal = "meta/_journal.json";

    private readonly string? _directory;
    private readonly MigrationKind? _kind;
    private readonly Regex? _pattern;
    private readonly bool? _outOfOrder;

    public MigrationPolicy(MigrationSettings settings)
    {
        var directory = settings.Directory?.Replace('\\', '/').Trim('/');
        Enabled = !string.Equals(directory, "none", StringComparison.OrdinalIgnoreCase);
        _directory = directory is null or "" || directory.Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : directory;
        _kind = Enum.TryParse<MigrationKind>(settings.Kind, ignoreCase: true, out var kind) ? kind : null;
        _pattern = settings.Pattern is { } p ? Config.ConfigRegex.Create(p) : null;
        _outOfOrder = settings.OutOfOrder;
    }

    public bool Enabled { get; }

    /// <summary>
    /// The plan that makes the migrations added between <paramref name="incomingFrom"/> and <paramref name="incomingTo"/>
    /// apply right on top of <paramref name="baseTip"/>'s: to merge an issue, (base tip, merge base, issue tip); for what
    /// a finished rebase or cherry-pick brought, (base tip, base tip, result). Reads commits only; the one thing it
    /// writes is the blob of a rewritten file (a Drizzle journal), invisible until a tree uses it.
    /// </summary>
    public MigrationPlan Plan(string dir, string baseTip, string incomingFrom, string incomingTo, string? baseName = null)
    {
        if (!Enabled) return MigrationPlan.Empty;
        var added = TreeFiles.Added(dir, incomingFrom, incomingTo);
        var (folders, baseFiles) = Folders(dir, baseTip, Candidates(added));
        if (folders.Count == 0) return MigrationPlan.Empty;
        var builder = new PlanBuilder(baseFiles.ToDictionary(f => f.Path, StringComparer.Ordinal));
        var context = new PlanContext(dir, baseTip, incomingFrom, incomingTo, baseName ?? baseTip[..Math.Min(10, baseTip.Length)], builder);
        foreach (var folder in folders)
        {
            var prefix = folder + "/";
            var onBase = baseFiles.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            var incoming = added.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            var kind = _kind ?? Detect(folder, onBase);
            if (kind == MigrationKind.Drizzle) DrizzleJournal.Plan(context, folder, onBase, incoming);
            else Sequence(context, folder, kind, onBase, incoming);
        }
        return builder.Build();
    }

    /// <summary>
    /// True when merging <paramref name="tip"/> into <paramref name="baseTip"/> adds no file a plan would look at (one
    /// <c>git diff baseTip...tip</c>: from their merge base, not asked for first): then <see cref="Plan"/> has nothing to do
    /// for that merge. False when they share no history (a plan decides then).
    /// </summary>
    public bool NothingToPlan(string dir, string baseTip, string tip)
    {
        if (!Enabled) return true;
        var r = GitCli.Read(dir, ["diff", "--name-only", "-z", "--no-renames", "--diff-filter=A", baseTip + "..." + tip, "--"], check: false);
        return r.Success && Candidates(GitQueries.SplitZ(r.Output).Select(p => new TreeFile(p, "100644", "")).ToList()).Count == 0;
    }

    /// <summary>
    /// At a stop of a merge, rebase or cherry-pick in <paramref name="worktree"/>: the plan for the commit being brought in,
    /// against what the worktree has. <paramref name="side"/> says which side is the base; <paramref name="squashed"/> is
    /// the commit a <c>merge --squash</c> brings in (it leaves no MERGE_HEAD).
    /// </summary>
    public MigrationPlan PlanAtStop(string worktree, string operation, BaseSide side, string? baseName = null, string? squashed = null)
    {
        var incoming = squashed ?? GitQueries.ResolveCommit(worktree, operation switch { "merge" => "MERGE_HEAD", "rebase" => "REBASE_HEAD", _ => "CHERRY_PICK_HEAD" });
        if (incoming is null) return MigrationPlan.Empty;
        var head = GitQueries.Head(worktree);
        var fork = operation == "merge" ? GitQueries.MergeBase(worktree, head, incoming) : GitQueries.ResolveCommit(worktree, incoming + "^");
        if (fork is null) return MigrationPlan.Empty;
        return side == BaseSide.Ours ? Plan(worktree, head, fork, incoming, baseName) : Plan(worktree, incoming, fork, head, baseName);
    }

    /// <summary>
    /// True when a plan could decide <paramref name="path"/>, so that a conflict there may be the plan's to resolve: a path
    /// in a folder the plan would look at, or a Drizzle journal. Lets a forecast of many merges skip the plan where it cannot matter.
    /// </summary>
    public bool MayCover(string path) =>
        Enabled && (path == Journal || path.EndsWith("/" + Journal, StringComparison.Ordinal) || Candidates([new TreeFile(path, "100644", "")]).Count > 0);

    internal sealed record PlanContext(string Dir, string BaseTip, string From, string To, string BaseName, PlanBuilder Builder);

    /// <summary>
    /// The folders whose migrations may need a plan: the configured one, or (auto) the folders of added files whose
    /// names start with a digit (or of added folders that do), as migrations' names do.
    /// </summary>
    private List<string> Candidates(List<TreeFile> added)
    {
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in added)
        {
            if (_directory is not null)
            {
                if (file.Path.StartsWith(_directory + "/", StringComparison.Ordinal)) folders.Add(_directory);
                continue;
            }
            var parts = file.Path.Split('/');
            if (parts.Length >= 2 && StartsWithDigit(parts[^1])) folders.Add(string.Join('/', parts[..^1]));
            if (parts.Length >= 3 && StartsWithDigit(parts[^2])) folders.Add(string.Join('/', parts[..^2]));
            if (parts.Length >= 3 && parts[^2] == "meta" && StartsWithDigit(parts[^1])) folders.Add(string.Join('/', parts[..^2]));
        }
        return folders.ToList();
    }

    /// <summary>
    /// The candidates that are migration folders, with the base's files in them: the configured folder; or (auto) a
    /// folder whose name contains "migrat", or any folder that holds a Drizzle journal. Other folders are only probed
    /// for the journal, so a folder of numbered files that are no migrations costs nothing and is never touched.
    /// </summary>
    private (List<string> Folders, List<TreeFile> OnBase) Folders(string dir, string baseTip, List<string> candidates)
    {
        if (candidates.Count == 0) return ([], []);
        var named = _directory is not null ? candidates
            : candidates.Where(c => c.Split('/')[^1].Contains("migrat", StringComparison.OrdinalIgnoreCase)).ToList();
        var others = candidates.Except(named).ToList();
        var onBase = TreeFiles.List(dir, baseTip, [.. named.Select(f => f + "/"), .. others.Select(f => $"{f}/{Journal}")]);
        var drizzle = others.Where(f => onBase.Any(b => b.Path == $"{f}/{Journal}")).ToList();
        if (drizzle.Count > 0) onBase = [.. onBase.Where(b => !drizzle.Any(f => b.Path.StartsWith(f + "/", StringComparison.Ordinal))),
            .. TreeFiles.List(dir, baseTip, drizzle.Select(f => f + "/").ToList())];
        return ([.. named, .. drizzle], onBase);
    }

    private static bool StartsWithDigit(string name) => name.Length > 0 && char.IsAsciiDigit(name[0]);

    /// <summary>What the base's folder holds: a Drizzle journal, folders per migration, or files (timestamps or numbers).</summary>
    private MigrationKind Detect(string folder, List<TreeFile> onBase)
    {
        if (onBase.Any(f => f.Path == $"{folder}/{Journal}")) return MigrationKind.Drizzle;
        var folderPattern = _pattern ?? FolderRegex();
        var depth = folder.Count(c => c == '/') + 1;
        if (onBase.Any(f => f.Path.Count(c => c == '/') == depth + 1 && folderPattern.IsMatch(f.Path.Split('/')[depth]))) return MigrationKind.Prisma;
        var filePattern = _pattern ?? FileRegex();
        return onBase.Where(f => f.Path.Count(c => c == '/') == depth).Select(f => Version(filePattern, f.Name))
            .Any(v => v?.Version.IsTimestamp == true) ? MigrationKind.Timestamp : MigrationKind.Numbered;
    }

    /// <summary>The version a migration's name holds (the pattern's <c>n</c> group), and where.</summary>
    private static (MigrationVersion Version, int Index)? Version(Regex pattern, string name)
    {
        var m = pattern.Match(name);
        var n = m.Groups["n"];
        return m.Success && n.Success && MigrationVersion.Parse(n.Value) is { } v ? (v, n.Index) : null;
    }

    /// <summary>A file, or a folder and its files, whose name holds a version.</summary>
    private sealed record Item(string Name, MigrationVersion Version, int VersionIndex, List<TreeFile> Files)
    {
        public string Renamed(long value) => Name[..VersionIndex] + Version.With(value).Text + Name[(VersionIndex + Version.Text.Length)..];
    }

    /// <summary>One migration: its items share a version (golang-migrate's <c>0002_x.up.sql</c> and <c>0002_x.down.sql</c>).</summary>
    private sealed record Entry(MigrationVersion Version, List<Item> Items);

    /// <summary>Numbered files, timestamped files, and folders per migration.</summary>
    private void Sequence(PlanContext c, string folder, MigrationKind kind, List<TreeFile> onBase, List<TreeFile> added)
    {
        var folders = kind == MigrationKind.Prisma;
        var pattern = _pattern ?? (folders ? FolderRegex() : FileRegex());
        var depth = folder.Count(ch => ch == '/') + 1;
        var baseEntries = Entries(onBase, depth, folders, pattern);
        var baseBlobs = onBase.ToDictionary(f => f.Path, f => f.Blob, StringComparer.Ordinal);
        // A folder that existed where the issue started is no new migration, even if the issue added a file to it;
        // a file the base has already, byte for byte, is no new migration either.
        var forkFolders = folders ? ChildFolders(c.Dir, c.From, folder) : [];
        var incoming = Entries(added, depth, folders, pattern)
            .Select(e => e with { Items = e.Items.Where(i => !forkFolders.Contains(i.Name) && !i.Files.All(f => baseBlobs.TryGetValue(f.Path, out var b) && b == f.Blob)).ToList() })
            .Where(e => e.Items.Count > 0).ToList();
        var strict = _outOfOrder is { } outOfOrder ? !outOfOrder : kind == MigrationKind.Numbered;
        NoteUnhandled(c, folder, depth, strict, pattern, onBase, added);
        if (baseEntries.Count == 0 || incoming.Count == 0) return;

        var takenNames = baseEntries.SelectMany(e => e.Items).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var takenVersions = baseEntries.Select(e => e.Version.Value).ToHashSet();
        var newest = baseEntries.Max(e => e.Version.Value);
        if (strict && incoming[0].Version.Value > newest) return;

        // Each in turn, oldest first, gets the first version the rule allows; the issue's own order never changes.
        var moved = new List<(Item Item, string NewName)>();
        var previous = strict ? newest : long.MinValue;
        foreach (var e in incoming)
        {
            var v = e.Version.Value > previous && !(strict && kind == MigrationKind.Numbered) ? e.Version.Value : e.Version.Next(previous).Value;
            // Prisma tells migrations apart by folder name, the other tools by version alone.
            while (!strict && (folders ? e.Items.Any(i => takenNames.Contains(i.Renamed(v))) : takenVersions.Contains(v))) v = e.Version.Next(v).Value;
            previous = v;
            if (v != e.Version.Value) moved.AddRange(e.Items.Select(i => (i, i.Renamed(v))));
        }
        if (moved.Count == 0) return;

        foreach (var (item, newName) in moved)
        {
            foreach (var f in item.Files) c.Builder.Move(f, $"{folder}/{newName}{f.Path[(folder.Length + 1 + item.Name.Length)..]}");
            c.Builder.Renamed($"{folder}/{item.Name}", $"{folder}/{newName}");
        }
        var list = string.Join(", ", moved.Select(m => $"{m.Item.Name} -> {m.NewName}"));
        var count = moved.Select(m => m.Item.Version.Value).Distinct().Count();
        if (kind == MigrationKind.Numbered) c.Builder.Summary("renumber", $"{count} migration(s) in {folder} to follow {c.BaseName}: {list}");
        else if (strict) c.Builder.Summary("move", $"{count} migration(s) in {folder} after {c.BaseName}'s newest: {list}");
        else c.Builder.Summary("move", $"{count} migration(s) in {folder} to a free timestamp ({c.BaseName} has theirs): {list}");
    }

    /// <summary>The migrations among <paramref name="files"/>: files right in the folder, or its folders with their files; by version, oldest first.</summary>
    private static List<Entry> Entries(List<TreeFile> files, int depth, bool folders, Regex pattern)
    {
        var items = new List<Item>();
        foreach (var group in files.Select(f => (File: f, Parts: f.Path.Split('/')))
                     .Where(x => folders ? x.Parts.Length > depth + 1 : x.Parts.Length == depth + 1)
                     .GroupBy(x => x.Parts[depth], StringComparer.Ordinal))
            if (Version(pattern, group.Key) is { } v)
                items.Add(new Item(group.Key, v.Version, v.Index, group.Select(x => x.File).ToList()));
        return items.GroupBy(i => i.Version.Value)
            .Select(g => new Entry(g.First().Version, g.OrderBy(i => i.Name, StringComparer.Ordinal).ToList()))
            .OrderBy(e => e.Version.Value).ToList();
    }

    private static HashSet<string> ChildFolders(string dir, string commit, string folder) =>
        GitQueries.SplitZ(GitCli.Read(dir, ["ls-tree", "-d", "-z", "--name-only", "--full-tree", commit, "--", folder + "/"]).Output)
            .Select(p => p[(p.LastIndexOf('/') + 1)..]).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Added names that look like migrations (a number, then '_' or '-') but are not the kind's (another extension, a
    /// Django or EF Core migration, ...): when the base has their number, or (in order) a newer one, the result says so
    /// instead of renaming them.
    /// </summary>
    private static void NoteUnhandled(PlanContext c, string folder, int depth, bool strict, Regex pattern, List<TreeFile> onBase, List<TreeFile> added)
    {
        var baseNumbers = onBase.Select(f => LeadingNumber(f.Path.Split('/')[depth])).OfType<long>().ToHashSet();
        if (baseNumbers.Count == 0) return;
        var newest = baseNumbers.Max();
        // Timestamps on the base: the tool is one that applies an older pending migration (see the class summary).
        strict &= MigrationVersion.Parse(newest.ToString(System.Globalization.CultureInfo.InvariantCulture))?.IsTimestamp != true;
        foreach (var name in added.Select(f => f.Path.Split('/')).Where(p => p.Length > depth).Select(p => p[depth]).Distinct(StringComparer.Ordinal))
        {
            if (name == "meta" || Version(pattern, name) is not null || LeadingNumber(name) is not { } number) continue;
            var same = baseNumbers.Contains(number);
            if (!same && !(strict && number <= newest)) continue;
            c.Builder.Note($"{folder}/{name} looks like a migration but is none the policy renames (names matching '{pattern}'), " +
                           $"and {c.BaseName} has {(same ? "one with the same number" : "newer ones")}: check their order by hand");
        }
    }

    private static long? LeadingNumber(string name)
    {
        var m = LeadingNumberRegex().Match(name);
        return m.Success && long.TryParse(m.Groups[1].Value, out var n) ? n : null;
    }

    [GeneratedRegex(FilePattern, RegexOptions.CultureInvariant)]
    private static partial Regex FileRegex();

    [GeneratedRegex(FolderPattern, RegexOptions.CultureInvariant)]
    private static partial Regex FolderRegex();

    [GeneratedRegex(@"^(\d{1,18})[_-]", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingNumberRegex();
}
