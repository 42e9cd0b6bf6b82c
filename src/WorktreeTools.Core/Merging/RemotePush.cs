using WorktreeTools.Core.Git;

namespace WorktreeTools.Core.Merging;

/// <summary>One ref to push: a commit to a remote branch, optionally protected by a lease (expected remote value; "" = must not exist).</summary>
internal sealed record PushUpdate(string Commit, string Branch, string? Lease = null);

/// <summary>What the remote said: accepted, or which refs it rejected and why.</summary>
internal sealed record PushOutcome(bool Accepted, string Detail);

/// <summary>Pushes updates in one atomic <c>git push --porcelain</c>; a rejection is an outcome, any other failure throws <c>PushFailed</c>.</summary>
internal static class RemotePush
{
    public static PushOutcome Push(string root, string remote, IReadOnlyList<PushUpdate> updates)
    {
        var args = new List<string> { "push", "--porcelain" };
        if (updates.Count > 1) args.Add("--atomic");
        args.AddRange(updates.Where(u => u.Lease is not null).Select(u => $"--force-with-lease=refs/heads/{u.Branch}:{u.Lease}"));
        args.Add(remote);
        args.AddRange(updates.Select(u => $"{u.Commit}:refs/heads/{u.Branch}"));
        var r = GitCli.Run(root, args, check: false);
        if (r.Success) return new PushOutcome(true, "");
        var rejected = r.Output.Split('\n').Where(l => l.StartsWith('!')).Select(l => l.Split('\t')).Where(p => p.Length >= 3)
            .Select(p => $"{p[1].Split(':').Last()} {p[2]}").ToList();
        if (rejected.Count > 0) return new PushOutcome(false, string.Join("; ", rejected));
        throw new WorktreeToolsException("PushFailed", ErrorKind.ResourceUnavailable,
            $"git push to '{remote}' failed (exit {r.ExitCode}): {r.Error.Trim()}", remote);
    }
}
