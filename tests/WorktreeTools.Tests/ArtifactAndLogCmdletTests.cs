using System.Management.Automation;
using WorktreeTools.Processes;
using Xunit;

namespace WorktreeTools.Tests;

/// <summary>Get-IssueArtifact and Get-IssueLog -Wait -Timeout through the cmdlets. Ports 164xx belong to this class.</summary>
public sealed class ArtifactAndLogCmdletTests
{
    [LinuxFact]
    public void Artifacts_are_listed_per_issue_filtered_by_name_and_collected_without_collisions()
    {
        using var repo = new ProcessRepo("ports: { web: 16401-16449 }\n");
        repo.NewWorktrees("1", "2", "10");
        // Written the way the workflow's runs write them: into WORKTREE_ARTIFACTS, named with WORKTREE_ARTIFACT_PREFIX.
        repo.Ok("""
            1, 2 | Invoke-IssueCommand -ErrorOnFailure -Command 'mkdir -p "$WORKTREE_ARTIFACTS" && echo "{\"issue\": \"$ISSUE_ID\"}" > "$WORKTREE_ARTIFACTS/${WORKTREE_ARTIFACT_PREFIX}build-output.json"'
            Invoke-IssueCommand 1 -ErrorOnFailure -Command 'echo 87% > "$WORKTREE_ARTIFACTS/${WORKTREE_ARTIFACT_PREFIX}coverage.txt" && echo mine > "$WORKTREE_ARTIFACTS/notes.txt"'
            """);

        var all = repo.Ok("Get-IssueArtifact").Output;
        Assert.Equal([("1", "issue-1-build-output.json"), ("1", "issue-1-coverage.txt"), ("2", "issue-2-build-output.json")],
            all.Select(o => ((string)o.Properties["Issue"].Value, ((FileInfo)o.BaseObject).Name)));
        Assert.Equal(["issue-1-build-output.json", "issue-2-build-output.json"],
            repo.Ok("Get-IssueArtifact -Name build-output.json").Output.Select(o => ((FileInfo)o.BaseObject).Name));
        Assert.Equal(["issue-1-coverage.txt"], repo.Ok("Get-IssueWorktree 1 | Get-IssueArtifact -Name *.txt").Output.Select(o => ((FileInfo)o.BaseObject).Name));
        Assert.Equal("2", repo.Ok("(Get-IssueArtifact 2 build-output.json | Get-Content -Raw | ConvertFrom-Json).issue").Output.Single().ToString());
        Assert.Empty(repo.Ok("Get-IssueArtifact 10").Output);
        Assert.Equal(["IssueWorktreeNotFound"], repo.Run("Get-IssueArtifact 999").ErrorIds);

        // Collected into one folder: the issue prefix keeps two build outputs apart.
        var collected = Path.Combine(repo.Tools, "collected");
        Directory.CreateDirectory(collected);
        repo.Ok("Get-IssueArtifact | Copy-Item -Destination $dest", new Dictionary<string, object?> { ["dest"] = collected });
        Assert.Equal(["issue-1-build-output.json", "issue-1-coverage.txt", "issue-2-build-output.json"],
            Directory.GetFiles(collected).Select(Path.GetFileName).Order());
    }

    [LinuxFact]
    public void Following_a_servers_log_stops_at_its_timeout_and_leaves_the_server_running()
    {
        using var repo = new ProcessRepo("ports: { web: 16451-16499 }\ndevServer: { command: 'node ticks.js', ready: { timeoutSec: 30 } }\n",
            new Dictionary<string, string>
            {
                ["ticks.js"] = "require('http').createServer((q, r) => r.end('ok')).listen(+process.env.PORT, '127.0.0.1', () => console.log('ticking'));\nsetInterval(() => console.log('tick'), 200);\n",
            });
        repo.NewWorktrees("1");
        repo.Track(repo.Ok("Start-DevServer 1").Objects<DevServer>().Single().Pid);

        var lines = repo.Ok("Get-IssueLog 1 -Wait -Timeout 2").Output.Select(o => o.ToString()).ToList();
        Assert.Contains("ticking", lines);
        Assert.Contains("tick", lines);
        Assert.Equal(ProcessState.Running, repo.Ok("Get-DevServer 1").Objects<DevServer>().Single().State);
        Assert.Equal(["ParameterArgumentValidationError"], repo.Run("Get-IssueLog 1 -Wait -Timeout 0").ErrorIds);
    }
}
