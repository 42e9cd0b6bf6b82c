#Requires -Version 7.4
# Pester 5, real pwsh. Every pair of PipelinePairs.ps1 (what users pipe × each cmdlet that takes an issue) binds
# the issue and the repository it was meant for, from a folder outside the repository. Needs git and node.

BeforeDiscovery {
    $noNode = -not (Get-Command node -ErrorAction Ignore)
    . (Join-Path $PSScriptRoot 'PipelinePairs.ps1')
    $pairs = @(foreach ($p in $PipelineProducers.Keys) { foreach ($c in $PipelineConsumers.Keys) { @{ Producer = $p; Consumer = $c } } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Sandbox.ps1')
    . (Join-Path $PSScriptRoot 'PipelinePairs.ps1')
    $outside = (New-Item -ItemType Directory -Path (Join-Path $SandboxRoot 'elsewhere')).FullName
    $repository = New-PipelineFixture -Folder (Join-Path $SandboxRoot 'pairs') -FirstPort 16201
}

AfterAll { Remove-Sandbox }

Describe 'Piping <Producer> into <Consumer>' -ForEach $pairs -Skip:$noNode {
    It 'binds issue 2 of its repository' {
        $outcome = Invoke-PipelinePair -Producer $Producer -Consumer $Consumer -Repository $repository -Outside $outside
        Test-PipelinePair $outcome $repository | Should -BeNullOrEmpty
    }
}

# Not a producer of PipelinePairs.ps1: on its healthy fixture Repair-IssueWorktree has nothing to report about issue 2.
Describe 'Piping a RepairAction' {
    It 'binds the repaired issue of its repository: Repair-IssueWorktree -NewPorts | Get-IssueWorktree from another folder' {
        $repo = New-SandboxRepository -Files @{ '.worktree-tools.yml' = "ports: { web: $(Get-SandboxPortRange) }`n" }
        $before = New-IssueWorktree 3 -Repository $repo -NoInstall -ErrorAction Stop
        $squatter = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, $before.Ports['web'])
        $squatter.Start()
        Push-Location -LiteralPath $outside
        try {
            $after = @(Repair-IssueWorktree -Repository $repo -NewPorts -Confirm:$false |
                Where-Object Action -EQ 'RenewedPorts' | Get-IssueWorktree -ErrorAction Stop)
        }
        finally { Pop-Location; $squatter.Stop() }
        $after.Issue | Should -Be '3'
        $after.RepositoryRoot | Should -Be (Resolve-Path -LiteralPath $repo).Path
        $after.Ports['web'] | Should -Not -Be $before.Ports['web']
    }
}
