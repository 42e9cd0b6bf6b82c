<#
.SYNOPSIS
    The workflow document's "three parallel issues" example, end to end, in a throw-away repository.
.DESCRIPTION
    Creates a sandbox repository with an .env and a config, then: three issue worktrees with their own
    ports and env files, work committed in each, the live status table, and clean-up. Touches nothing
    outside the sandbox (it uses its own WORKTREE_TOOLS_HOME). It sticks to core cmdlets and .NET calls so
    that it also runs in tools/PwshHost, which has no Microsoft.PowerShell.Management/Utility cmdlets.
    Run it with pwsh, or on a machine without pwsh:
        dotnet build; dotnet tools/PwshHost/bin/PwshHost.dll -File examples/ThreeIssues.ps1
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
'@)
    git add -A; git commit -q -m 'Initial commit'

    "== 101, 102, 103 | New-IssueWorktree"
    $worktrees = 101, 102, 103 | New-IssueWorktree -NoInstall
    $worktrees | Out-Default

    "== .env of issue 101"
    [IO.File]::ReadAllText($worktrees[0].EnvFile)

    "== work in each worktree"
    foreach ($w in $worktrees) {
        [IO.File]::WriteAllText([IO.Path]::Combine($w.Path, "issue-$($w.Issue).txt"), "work for $($w.Issue)`n")
        git -C $w.Path add -A
        git -C $w.Path commit -q -m "feat(issue-$($w.Issue)): work"
    }
    [IO.File]::WriteAllText([IO.Path]::Combine($worktrees[2].Path, 'draft.txt'), "not committed yet`n")

    "== Get-IssueWorktree"
    Get-IssueWorktree | Out-Default

    "== clean up (forced for the draft: it is saved under a backup ref first)"
    Get-IssueWorktree | Remove-IssueWorktree -Force -DeleteBranch -Confirm:$false
    Get-IssueWorktree -All | Out-Default
    git for-each-ref refs/worktree-tools --format='%(refname)'
}
finally {
    $ExecutionContext.SessionState.Path.SetLocation([IO.Path]::GetTempPath()) | Out-Null
    [IO.Directory]::Delete($Sandbox, $true)
}
