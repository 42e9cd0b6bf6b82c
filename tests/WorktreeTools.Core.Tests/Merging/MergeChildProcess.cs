using System.Diagnostics;
using System.Text.Json;
using WorktreeTools;
using WorktreeTools.Configuration;
using WorktreeTools.Core.Merging;
using WorktreeTools.Merging;
using Xunit;

/// <summary>
/// Lets a test run a merge train in a separate process it can kill (<c>dotnet exec</c> of this test assembly with
/// <c>DOTNET_STARTUP_HOOKS</c> pointing at it). Does nothing unless <see cref="MergeChildProcess.Variable"/> is set.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var json = Environment.GetEnvironmentVariable(WorktreeTools.Core.Tests.Merging.MergeChildProcess.Variable);
        if (string.IsNullOrEmpty(json)) return;
        Environment.Exit(WorktreeTools.Core.Tests.Merging.MergeChildProcess.Run(json));
    }
}

namespace WorktreeTools.Core.Tests.Merging
{
    internal static class MergeChildProcess
    {
        public const string Variable = "WTT_TEST_MERGE_CHILD";

        private sealed record Request(string Home, string Root, string? Test, int BatchSize, List<string[]> Issues);

        /// <summary>Starts a process that merges <paramref name="issues"/> into main with the test gate <paramref name="test"/> (none if null).</summary>
        public static Process Start(string root, string? test, IEnumerable<IssueToMerge> issues, int batchSize = MergeOptions.DefaultBatchSize)
        {
            var request = new Request(Environment.GetEnvironmentVariable("WORKTREE_TOOLS_HOME")!, root, test, batchSize,
                issues.Select(i => new[] { i.Issue, i.Branch, i.WorktreePath! }).ToList());
            var assembly = typeof(StartupHook).Assembly.Location;
            var psi = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("exec");
            psi.ArgumentList.Add(assembly);
            psi.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
            psi.Environment[Variable] = JsonSerializer.Serialize(request);
            return Process.Start(psi)!;
        }

        /// <summary>
        /// Waits until <paramref name="reached"/> (failing if the merge ends first), then kills it: with its whole tree, or
        /// (<paramref name="entireTree"/> false) the merge process only, as a crash would. Deletes the temporary folder the
        /// killed process could not (its exit handlers never ran).
        /// </summary>
        public static void KillWhen(Process child, Func<bool> reached, bool entireTree = true)
        {
            var stderr = child.StandardError.ReadToEndAsync();
            try
            {
                while (!reached())
                {
                    Assert.False(child.HasExited, "the merge process ended early: " + (child.HasExited ? stderr.Result : ""));
                    Thread.Sleep(20);
                }
            }
            finally
            {
                child.Kill(entireTree);
                child.WaitForExit();
                foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), $"wtt-tests-{child.Id}-*")) Testing.TestRepo.ForceDelete(dir);
            }
        }

        public static int Run(string json)
        {
            var request = JsonSerializer.Deserialize<Request>(json)!;
            // This assembly's module initializer gave the child its own home; use the parent's, as a second PowerShell session would.
            Environment.SetEnvironmentVariable("WORKTREE_TOOLS_HOME", request.Home);
            var config = new WorktreeConfig { RepositoryRoot = request.Root };
            var issues = request.Issues.Select(i => new IssueToMerge(i[0], i[1], i[2])).ToList();
            var results = new MergeEngine(config, SilentHost.Instance)
                .Train(new MergeOptions { RepositoryRoot = request.Root, Strategy = MergeStrategy.Merge, Test = request.Test, NoTest = request.Test is null, BatchSize = request.BatchSize }, issues);
            return results.All(r => r.Status == MergeStatus.Merged) ? 0 : 1;
        }
    }
}
