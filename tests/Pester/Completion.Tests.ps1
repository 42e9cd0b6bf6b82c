#Requires -Version 7.4
# Pester 5. Tab completion on the module's parameters never throws. Every parameter named Issue, on any
# exported cmdlet, is covered as soon as it exists.

BeforeDiscovery {
    Import-Module -Name (Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1') -Force
    $issueCmdlets = @(Get-Command -Module WorktreeTools -CommandType Cmdlet |
        Where-Object { $_.Parameters.ContainsKey('Issue') } |
        ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1') -Force
    function Complete([string] $Line) { TabExpansion2 -inputScript $Line -cursorColumn $Line.Length }
}

Describe 'Tab completion' {
    It 'completes Get-WorktreeConfig -Path without error' {
        { Complete 'Get-WorktreeConfig -Path ' } | Should -Not -Throw
        Complete 'Get-WorktreeConfig -Path ' | Should -BeOfType ([System.Management.Automation.CommandCompletion])
    }

    It 'completes <Name> -Issue without error' -ForEach $issueCmdlets {
        { Complete "$Name -Issue " } | Should -Not -Throw
        Complete "$Name -Issue " | Should -BeOfType ([System.Management.Automation.CommandCompletion])
    }
}
