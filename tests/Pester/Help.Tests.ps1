#Requires -Version 7.4
# Pester 5. Every exported cmdlet has help from docs/: a synopsis (the page's, not the syntax PowerShell
# makes up when no help file is found), a description, examples, and a description of every parameter.

BeforeDiscovery {
    Import-Module -Name (Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1') -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters
    $cmdlets = @(Get-Command -Module WorktreeTools -CommandType Cmdlet | ForEach-Object {
        @{
            Name       = $_.Name
            # -WhatIf and -Confirm are documented on each page; the other common parameters are not.
            Parameters = @($_.Parameters.Keys | Where-Object { $_ -notin $common })
        }
    })
}

BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    Import-Module -Name (Join-Path $root 'WorktreeTools.psd1') -Force
    function Flat([string] $Text) { ($Text -replace '\s+', ' ').Trim() }
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $page = Join-Path $root 'docs' "$Name.md"
    }

    It 'has a page in docs/' {
        $page | Should -Exist
    }

    It 'shows the synopsis of its page' {
        $text = Get-Content -Path $page -Raw
        $text -match '(?ms)^## SYNOPSIS\s*$(?<synopsis>.+?)^##' | Should -BeTrue
        Flat $help.Synopsis | Should -Be (Flat $Matches.synopsis)
    }

    It 'has a description' {
        Flat (($help.description | ForEach-Object Text) -join ' ') | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example, each with code and remarks' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterThan 0
        foreach ($example in $examples) {
            Flat $example.code | Should -Not -BeNullOrEmpty
            Flat (($example.remarks | ForEach-Object Text) -join ' ') | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes -<_>' -ForEach $Parameters {
        $parameter = Get-Help -Name $Name -Parameter $_
        Flat (($parameter.description | ForEach-Object Text) -join ' ') | Should -Not -BeNullOrEmpty
    }
}
