#Requires -Version 7.4
# Pester 5, real pwsh. Every pair of PipelinePairs.ps1 (what users pipe × each cmdlet that takes an issue) binds
# the issue and the repository it was meant for, from a folder outside the repository. Needs git and node.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'PipelinePairs.ps1')
    $pairs = @(foreach ($p in $PipelineProducers.Keys) { foreach ($c in $PipelineConsumers.Keys) { @{ Producer = $p; Consumer = $c } } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'PipelinePairs.ps1')
    Import-Module -Name (Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1') -Force
    # An isolated state folder and git identity, as the xunit tests have.
    $saved = @{}
    foreach ($name in 'WORKTREE_TOOLS_HOME', 'WORKTREE_TOOLS_CONFIG', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $env:WORKTREE_TOOLS_HOME = Join-Path $TestDrive 'home'
    $env:WORKTREE_TOOLS_CONFIG = Join-Path $TestDrive 'home' 'config.yml'
    $env:GIT_CONFIG_GLOBAL = Join-Path $TestDrive 'gitconfig'
    $env:GIT_CONFIG_NOSYSTEM = '1'
    Set-Content -LiteralPath $env:GIT_CONFIG_GLOBAL -Value "[user]`n`tname = Test User`n`temail = test@example.invalid`n[init]`n`tdefaultBranch = main`n"
    $outside = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'elsewhere')
    $repository = New-PipelineFixture -Folder (Join-Path $TestDrive 'fixture') -FirstPort 16201
}

AfterAll {
    if ($repository) { Remove-PipelineFixture -Repository $repository }
    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
}

Describe 'Piping <Producer> into <Consumer>' -ForEach $pairs {
    It 'binds issue 2 of its repository' {
        $outcome = Invoke-PipelinePair -Producer $Producer -Consumer $Consumer -Repository $repository -Outside $outside
        Test-PipelinePair $outcome $repository | Should -BeNullOrEmpty
    }
}
