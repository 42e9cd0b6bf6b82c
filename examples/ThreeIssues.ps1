<#
.SYNOPSIS
    The workflow document's "three parallel issues" example, end to end, in a throw-away repository.
.DESCRIPTION
    Creates a sandbox repository with an .env and a config, then: three issue worktrees with their own
    ports and env files, a dev server per issue (when node is installed), work committed in each by a
    small stand-in "agent", the live status table, a merge train gated by a test, and clean-up. Touches nothing
    outside the sandbox (it uses its own WORKTREE_TOOLS_HOME). Run it in pwsh 7.4+, or with the pinned one:
        dotnet tool restore && dotnet build && dotnet pwsh -NoProfile -File examples/ThreeIssues.ps1
#>
param([string] $Sandbox = [IO.Path]::Combine([IO.Path]::GetTempPath(), "worktreetools-demo-$PID"))

$ErrorActionPreference = 'Stop'
Import-Module ([IO.Path]::Combine($PSScriptRoot, '..', 'WorktreeTools.psd1'))

$repo = [IO.Path]::Combine($Sandbox, 'asyncAgent')
[IO.Directory]::CreateDirectory($repo) | Out-Null
$env:WORKTREE_TOOLS_HOME = [IO.Path]::Combine($Sandbox, 'home')
$env:WORKTREE_TOOLS_CONFIG = [IO.Path]::Combine($Sandbox, 'home', 'config.yml')
$ExecutionContext.SessionState.Path.SetLocation($repo) | Out-Null
try {
    git init -q -b main
    git config user.name 'Demo'; git config user.email 'demo@example.invalid'
    [IO.File]::WriteAllText("$repo/.gitignore", ".env`ndata/*.db`n")
    [IO.File]::WriteAllText("$repo/.env", "PORT=3000`nDATABASE_URL=file:./data/agent.db`n")
    [IO.File]::WriteAllText("$repo/.worktree-tools.yml", @'
env:
  set: { PORT: "{port.web}" }
  replace: [ { pattern: 'agent\.db', with: 'agent-issue-{issue}.db' } ]
ports: { web: 3001-3999 }
devServer: { command: node server.js }
'@)
    # The dev server: answers with its issue, on the port the issue leased.
    [IO.File]::WriteAllText("$repo/server.js", @'
require('http').createServer((q, r) => r.end('issue ' + process.env.ISSUE_ID + ' on port ' + process.env.PORT + '\n'))
  .listen(process.env.PORT, '127.0.0.1');
'@)
    git add -A; git commit -q -m 'Initial commit'
    Approve-WorktreeConfig   # the repository's dev server command may now run

    "== 101, 102, 103 | New-IssueWorktree"
    $worktrees = 101, 102, 103 | New-IssueWorktree -NoInstall
    $worktrees | Out-Default

    "== .env of issue 101"
    [IO.File]::ReadAllText($worktrees[0].EnvFile)

    if (Get-Command node -ErrorAction Ignore) {
        "== Start-DevServer: one per issue, detached, each on its own port"
        $worktrees | Start-DevServer | Out-Default
        "== the CLI of the main repository talks to issue 101's server"
        Invoke-IssueCommand 101 -Command 'node -e "fetch(\"http://127.0.0.1:\" + process.env.PORT).then(r => r.text()).then(t => process.stdout.write(t))"'
    }

    "== work in each worktree (a stand-in for an agent run: Invoke-IssueCommand in the worktree)"
    foreach ($w in $worktrees) {
        Invoke-IssueCommand $w.Issue {
            [IO.File]::WriteAllText("$PWD/issue-$env:ISSUE_ID.txt", "work for $env:ISSUE_ID`n")
            git add -A
            git commit -q -m "feat(issue-$env:ISSUE_ID): work"
        }
    }
    [IO.File]::WriteAllText([IO.Path]::Combine($worktrees[2].Path, 'draft.txt'), "not committed yet`n")

    "== Get-IssueWorktree"
    Get-IssueWorktree | Out-Default

    "== merge 101 and 102 back, gated by a test (103 has an uncommitted draft: it would be refused)"
    101, 102 | Merge-IssueWorktree -Test 'test -f issue-101.txt' | Out-Default
    git log --oneline --graph main

    "== clean up: servers stopped, worktrees removed (103's draft is saved under a backup ref first)"
    Get-IssueWorktree | Remove-IssueWorktree -Force -DeleteBranch -Confirm:$false
    Get-IssueWorktree -All | Out-Default
    git for-each-ref refs/worktree-tools --format='%(refname)'
}
finally {
    $ExecutionContext.SessionState.Path.SetLocation([IO.Path]::GetTempPath()) | Out-Null
    [IO.Directory]::Delete($Sandbox, $true)
}
