#Requires -Version 7.4
# Pester 5. Every type an exported cmdlet declares with [OutputType] has a view, so its objects print as
# designed tables or lists instead of PowerShell's property dump.

BeforeDiscovery {
    Import-Module -Name (Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1') -Force
    $byType = [ordered]@{}
    foreach ($command in Get-Command -Module WorktreeTools -CommandType Cmdlet) {
        # PowerShell formats its own types (strings, any object) itself; ours need a view each.
        foreach ($type in $command.OutputType | Where-Object { $_.Type.Namespace -ne 'System' }) {
            if (-not $byType.Contains($type.Name)) { $byType[$type.Name] = [System.Collections.Generic.List[string]]::new() }
            $byType[$type.Name].Add($command.Name)
        }
    }
    $types = @($byType.Keys | ForEach-Object { @{ TypeName = $_; Cmdlets = $byType[$_] -join ', ' } })
}

BeforeAll {
    Import-Module -Name (Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1') -Force
}

Describe 'Output type <TypeName>' -ForEach $types {
    It 'has a format view (output of <Cmdlets>)' {
        Get-FormatData -TypeName $TypeName | Should -Not -BeNullOrEmpty
    }
}
