using System.Net;
using System.Net.Sockets;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Processes;
using WorktreeTools.Core.State;
using WorktreeTools.Worktrees;

namespace WorktreeTools.Core.Resources;

/// <summary>
/// The per-user registry shared by every repository and PowerShell session on the machine: which issue
/// worktrees exist (and how far their creation or removal got) and which ports and databases they lease.
/// Every change happens under one file lock, so two sessions never lease the same port or database.
/// </summary>
public sealed class LeaseRegistry
{
    public sealed class Document
    {
        public List<WorktreeRecord> Worktrees { get; set; } = [];
    }

    /// <summary>One issue worktree and its leases.</summary>
    public sealed class WorktreeRecord
    {
        public string Repository { get; set; } = "";
        public string Issue { get; set; } = "";
        public string Name { get; set; } = "";
        public string Path { get; set; } = "";
        public string Branch { get; set; } = "";
        public string Base { get; set; } = "";
        public Dictionary<string, int> Ports { get; set; } = [];
        public string? Database { get; set; }
        public string? EnvFile { get; set; }
        public DateTime Created { get; set; }
        public WorktreeState State { get; set; }
        public string? InstallLog { get; set; }
        /// <summary>The process creating or removing the worktree (pid and start time: a pid alone may be reused).</summary>
        public ProcessIdentity? Owner { get; set; }
    }

    private readonly StateFile<Document> _file;

    public LeaseRegistry(string? stateDirectory = null) =>
        _file = new StateFile<Document>(System.IO.Path.Combine(stateDirectory ?? ToolPaths.StateDirectory, "leases.json"), Validate);

    private static string? Validate(Document doc) =>
        doc.Worktrees.Select((r, i) => (r, i)).FirstOrDefault(x => string.IsNullOrEmpty(x.r.Repository) || string.IsNullOrEmpty(x.r.Issue) || string.IsNullOrEmpty(x.r.Path) || x.r.Ports is null) is ({ } bad, var index)
            ? $"worktree record {index + 1} ({(!string.IsNullOrEmpty(bad.Issue) ? "issue " + bad.Issue : "no issue")}) lacks its repository, issue, path or ports"
            : null;

    /// <summary>Puts aside a damaged registry and brings back its last good copy (Repair); what it did, or null.</summary>
    public string? Recover() => _file.Recover();

    public IReadOnlyList<WorktreeRecord> All() => _file.Read().Worktrees;

    public IReadOnlyList<WorktreeRecord> ForRepository(string repository) =>
        All().Where(r => SamePath(r.Repository, repository)).ToList();

    public WorktreeRecord? Find(string repository, string issue) =>
        ForRepository(repository).FirstOrDefault(r => r.Issue.Equals(issue, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Records a worktree being created (or adopted) and leases its ports: for each named range the port in
    /// <paramref name="preferred"/> when it is in the range, leased to no one and free, else the lowest port that no
    /// record holds and nothing on this machine listens on. An existing record for the issue is returned as is.
    /// </summary>
    public WorktreeRecord Reserve(WorktreeRecord draft, IReadOnlyDictionary<string, PortRange> ranges, IReadOnlyDictionary<string, int>? preferred = null) =>
        _file.Update(doc =>
        {
            var existing = doc.Worktrees.FirstOrDefault(r => SamePath(r.Repository, draft.Repository) &&
                                                             r.Issue.Equals(draft.Issue, StringComparison.OrdinalIgnoreCase));
            if (existing is not null) return existing;
            if (draft.Database is not null && doc.Worktrees.FirstOrDefault(r => r.Database is not null && SamePath(r.Database, draft.Database)) is { } holder)
                throw new WorktreeToolsException("DatabaseLeased", ErrorKind.ResourceExists,
                    $"The database {draft.Database} is already leased to issue {holder.Issue} of {holder.Repository}. Make database.path unique per issue (use {{issue}}).", draft.Database);
            var taken = doc.Worktrees.SelectMany(r => r.Ports.Values).ToHashSet();
            foreach (var (name, range) in ranges)
            {
                var port = preferred?.GetValueOrDefault(name) is int p && p >= range.First && p < range.First + range.Count && !taken.Contains(p) && IsFree(p)
                    ? p : FreePort(name, range, taken);
                draft.Ports[name] = port;
                taken.Add(port);
            }
            doc.Worktrees.Add(draft);
            return draft;
        });

    /// <summary>
    /// Leases new ports for an issue whose ports another program took: each leased port that something on this
    /// machine listens on is replaced by the lowest free one of its range. Returns the ports that changed (old, new).
    /// </summary>
    public IReadOnlyList<(string Name, int Old, int New)> Renew(string repository, string issue, IReadOnlyDictionary<string, PortRange> ranges) =>
        _file.Update(doc =>
        {
            var record = doc.Worktrees.FirstOrDefault(r => SamePath(r.Repository, repository) && r.Issue.Equals(issue, StringComparison.OrdinalIgnoreCase))
                ?? throw new WorktreeToolsException("IssueWorktreeNotFound", ErrorKind.ObjectNotFound, $"Issue {issue} has no worktree in {repository}.", issue);
            var taken = doc.Worktrees.SelectMany(r => r.Ports.Values).ToHashSet();
            var changed = new List<(string, int, int)>();
            foreach (var (name, old) in record.Ports.ToList())
            {
                if (IsFree(old) || !ranges.TryGetValue(name, out var range)) continue;
                var port = FreePort(name, range, taken);
                record.Ports[name] = port;
                taken.Add(port);
                changed.Add((name, old, port));
            }
            return changed;
        });

    private static int FreePort(string name, PortRange range, HashSet<int> taken)
    {
        var port = Enumerable.Range(range.First, range.Count).FirstOrDefault(p => !taken.Contains(p) && IsFree(p));
        return port != 0 ? port
            : throw new WorktreeToolsException("PortRangeExhausted", ErrorKind.LimitsExceeded,
                $"No free port is left in the '{name}' range {range}: every port is leased or in use. Widen ports.{name} or remove finished worktrees (Get-IssueWorktree | Where-Object Merged | Remove-IssueWorktree).", name);
    }

    public void SetState(string repository, string issue, WorktreeState state, string? installLog = null) =>
        Change(repository, issue, r =>
        {
            r.State = state;
            if (installLog is not null) r.InstallLog = installLog;
        });

    public void Change(string repository, string issue, Action<WorktreeRecord> change) =>
        _file.Update(doc =>
        {
            foreach (var r in doc.Worktrees.Where(r => SamePath(r.Repository, repository) && r.Issue.Equals(issue, StringComparison.OrdinalIgnoreCase)))
                change(r);
            return 0;
        });

    /// <summary>Forgets the worktree and releases its ports and database.</summary>
    public bool Release(string repository, string issue) =>
        _file.Update(doc => doc.Worktrees.RemoveAll(r => SamePath(r.Repository, repository) && r.Issue.Equals(issue, StringComparison.OrdinalIgnoreCase)) > 0);

    /// <summary>True when nothing on this machine listens on <paramref name="port"/> (probed by binding, IPv4 and IPv6).</summary>
    public static bool IsFree(int port)
    {
        foreach (var address in new[] { IPAddress.Any, IPAddress.Loopback, IPAddress.IPv6Any })
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6) continue;
            try
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ExclusiveAddressUse = OperatingSystem.IsWindows() };
                if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
                socket.Bind(new IPEndPoint(address, port));
            }
            catch (SocketException) { return false; }
        }
        return true;
    }

    public static bool SamePath(string a, string b) =>
        string.Equals(System.IO.Path.GetFullPath(a).TrimEnd('/', '\\'), System.IO.Path.GetFullPath(b).TrimEnd('/', '\\'),
            OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
