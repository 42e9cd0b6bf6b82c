@{
    # The one place the module version is written; the build reads it from here (Directory.Build.props).
    ModuleVersion        = '0.1.0'
    GUID                 = '6f1c2a4e-5b7d-4e1a-9c3f-2d8e7a1b4c90'
    Author               = 'WorktreeTools contributors'
    CompanyName          = 'WorktreeTools'
    Copyright            = '(c) WorktreeTools contributors. MIT License.'
    Description          = 'Parallel development with git worktrees: one issue, one worktree and branch, its own .env, database, ports, dev server and AI-agent run, then back into main by a chosen strategy, gated by tests, with lockfile and migration conflicts resolved by policy.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # The cmdlet assembly is a nested module, not the RootModule: PowerShell looks for a RootModule's help only
    # in <ModuleBase>/<culture>/ (this folder), but for a nested module also in the assembly's own folder, so
    # Get-Help finds module/en-US/WorktreeTools.dll-Help.xml (see docs/README.md).
    NestedModules        = @('module/WorktreeTools.dll')
    RequiredAssemblies   = @('module/WorktreeTools.Models.dll')
    FormatsToProcess     = @('module/WorktreeTools.format.ps1xml')
    TypesToProcess       = @()
    CmdletsToExport      = @(
        'Approve-WorktreeConfig'
        'Enter-IssueWorktree'
        'Get-DevServer'
        'Get-IssueAgent'
        'Get-IssueArtifact'
        'Get-IssueConflict'
        'Get-IssueLog'
        'Get-IssueWorktree'
        'Get-WorktreeConfig'
        'Invoke-IssueCommand'
        'Merge-IssueWorktree'
        'New-IssueWorktree'
        'New-WorktreeConfig'
        'Remove-IssueWorktree'
        'Repair-IssueWorktree'
        'Restart-DevServer'
        'Set-IssueAgentState'
        'Start-DevServer'
        'Start-IssueAgent'
        'Stop-DevServer'
        'Stop-IssueAgent'
        'Sync-IssueWorktree'
        'Undo-IssueMerge'
        'Wait-IssueAgent'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('git', 'worktree', 'worktrees', 'parallel', 'agents', 'ai', 'claude', 'codex', 'amp', 'merge', 'merge-queue',
                             'dev-server', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/worktree-tools/WorktreeTools'
            LicenseUri   = 'https://github.com/worktree-tools/WorktreeTools/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0 - the first release.
- One issue, one git worktree and branch (New-IssueWorktree), with its own .env, ports, SQLite database and install; live status with ahead/behind, dirty and merged (also squash-merged) in Get-IssueWorktree.
- Dev servers and coding agents (Amp, Claude Code, Codex or your own) per issue, detached and found again from any session: Start-DevServer, Start-IssueAgent, Get-IssueLog.
- Merge-IssueWorktree merges a train of issues in a private staging worktree, gated by your tests, with lockfile and migration conflicts resolved by policy, backup refs and Undo; Sync-IssueWorktree catches a branch up.
- Nothing is lost: forced removals save the work under refs/worktree-tools/backup first; Repair-IssueWorktree recovers after a crash.
- Commands from a repository's .worktree-tools.yml run only once approved (Approve-WorktreeConfig); a JSON Schema of the file ships for editors.
- Windows, Linux (glibc and musl) and macOS, x64 and arm64; PowerShell 7.4 or later.
'@
        }
    }
}
