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
