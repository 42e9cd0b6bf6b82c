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
        'Wait-IssueAgent'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('git', 'worktree', 'parallel', 'agents', 'merge', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'See README.md.'
        }
    }
}
