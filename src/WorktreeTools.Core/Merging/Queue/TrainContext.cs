using System.Globalization;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Config;
using WorktreeTools.Core.Git;
using WorktreeTools.Merging;

namespace WorktreeTools.Core.Merging.Queue;

/// <summary>What every issue of one train shares, found out once: settings, the commands to run, where the base is checked out, the hooks.</summary>
internal sealed class TrainContext
{
    public required WorktreeConfig Config { get; init; }
    public required IOperationHost Host { get; init; }
    public required TrustStore Trust { get; init; }
    public required MergeSession Session { get; init; }
    public required MergeOptions Options { get; init; }
    public required MergeStrategy Strategy { get; init; }
    public required string BaseName { get; init; }
    public required string Remote { get; init; }
    /// <summary>True when the repository has <see cref="Remote"/>.</summary>
    public required bool HasRemote { get; init; }
    /// <summary>The folder where the base is checked out, or null (then only its ref moves).</summary>
    public required string? BaseCheckout { get; init; }
    public required IReadOnlyList<GitWorktree> Worktrees { get; init; }
    public required MergeCommand? Test { get; init; }
    /// <summary><c>hooks.beforeMerge</c>: run on the tested commit after the test, as part of the gate.</summary>
    public required IReadOnlyList<MergeCommand> BeforeMerge { get; init; }
    /// <summary><c>hooks.afterMerge</c> (<c>merge.afterMerge</c>): run in the base's checkout after each landing.</summary>
    public required IReadOnlyList<MergeCommand> AfterMerge { get; init; }
    public required GitHooks Hooks { get; init; }
    /// <summary>In-process reads of branch tips (a git process each cost more than the rest of a clean merge's checklist).</summary>
    public required GitGraph Graph { get; init; }
    /// <summary>Names this train's gate runs and logs (<c>&lt;TrainId&gt;#&lt;n&gt;</c>).</summary>
    public required string TrainId { get; init; }

    public string Root => Session.Root;

    /// <summary>True when something must pass before the base moves: a test, or a before-merge hook.</summary>
    public bool HasGate => Test is not null || BeforeMerge.Count > 0;
    public int BatchSize => Options.BatchSize ?? MergeOptions.DefaultBatchSize;

    public static TrainContext Open(WorktreeConfig config, IOperationHost host, TrustStore trust, MergeSession session, MergeOptions options,
        MergeStrategy strategy, string baseName, GitGraph graph)
    {
        var root = session.Root;
        var remote = options.Remote ?? config.Worktrees.Remote;
        var hasRemote = GitQueries.HasRemote(root, remote);
        if (options.Push && !hasRemote)
            throw new WorktreeToolsException("RemoteNotFound", ErrorKind.ObjectNotFound, $"Cannot push: the repository has no remote '{remote}'.", remote);
        if (options.BatchSize is < 1)
            throw new WorktreeToolsException("InvalidBatchSize", ErrorKind.InvalidArgument, $"The batch size must be at least 1 (it is {options.BatchSize}).", options.BatchSize);
        var worktrees = GitWorktree.List(root);
        var test = options.NoTest ? null
            : options.Test is { Length: > 0 } t ? MergeCommand.Explicit("-Test", t)
            : config.Merge.Test is { } ct ? MergeCommand.FromConfig(config, trust, ct) : null;
        // Every command is checked (approved, for a repository's) before anything is built or changed.
        var beforeMerge = config.Hooks.BeforeMerge.Select(h => MergeCommand.FromConfig(config, trust, h)).ToList();
        var afterMerge = options.NoAfterMerge ? [] : config.Hooks.AfterMerge.Select(h => MergeCommand.FromConfig(config, trust, h)).ToList();
        if (test is not null || beforeMerge.Count > 0) StagingDependencies.EnsureAllowed(config, trust, baseName);
        return new TrainContext
        {
            Config = config, Host = host, Trust = trust, Session = session, Options = options, Strategy = strategy, BaseName = baseName,
            Remote = remote, HasRemote = hasRemote, BaseCheckout = CheckoutOf(worktrees, baseName), Worktrees = worktrees,
            Test = test,
            BeforeMerge = beforeMerge,
            AfterMerge = afterMerge,
            Hooks = GitHooks.Read(root),
            Graph = graph,
            TrainId = DateTime.Now.ToString("yyyyMMdd-HHmmss-fff", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The folder where <paramref name="branch"/> is checked out (a folder that still exists), or null.</summary>
    public static string? CheckoutOf(IEnumerable<GitWorktree> worktrees, string branch) =>
        worktrees.FirstOrDefault(w => !w.Bare && w.Branch == branch && w.Exists)?.Path;

    /// <summary>Where <paramref name="branch"/> points now; <paramref name="errorId"/> when there is no such branch.</summary>
    public string BranchTip(string branch, string errorId, string what) =>
        Graph.Resolve("refs/heads/" + branch)
        ?? throw new WorktreeToolsException(errorId, ErrorKind.ObjectNotFound, $"The {what} branch '{branch}' does not exist.", branch);

    public string LogPath(string kind, int run) =>
        Path.Combine(ToolPaths.RepositoryStateDirectory(Root), "logs", $"{kind}-{TrainId}-{run}.log");
}
