#Requires -Version 7.4
# Pester 5. The manifest is valid, matches the built assembly, and imports in a fresh pwsh; every exported
# cmdlet is listed with [OutputType]. Run after `dotnet build`: Invoke-Pester ./tests/Pester

BeforeDiscovery {
    $manifestPath = Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1'
    $cmdlets = @((Import-PowerShellDataFile -Path $manifestPath).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    $manifestPath = (Resolve-Path (Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1')).Path
    $manifest = Import-PowerShellDataFile -Path $manifestPath
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
}

Describe 'WorktreeTools.psd1' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $manifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'has the version the assembly was built with' {
        $dll = Join-Path (Split-Path $manifestPath) 'module' 'WorktreeTools.dll'
        $built = [System.Reflection.AssemblyName]::GetAssemblyName($dll).Version
        [version]::new($built.Major, $built.Minor, $built.Build) | Should -Be ([version]$manifest.ModuleVersion)
    }

    It 'is for PowerShell 7.4+ Core and exports cmdlets only' {
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        [version]$manifest.PowerShellVersion | Should -BeGreaterOrEqual ([version]'7.4')
        foreach ($key in 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            $manifest.ContainsKey($key) | Should -BeTrue -Because "a missing $key exports everything"
            @($manifest[$key]).Count | Should -Be 0 -Because "$key must be @()"
        }
        @($manifest.CmdletsToExport).Count | Should -BeGreaterThan 0
    }
}

Describe 'Import in a fresh pwsh -NoProfile' {
    It 'imports from disk and lists exactly the exported cmdlets' {
        # A script block makes pwsh return objects (CLIXML) and pass the path as an argument.
        $names = & $pwsh -NoProfile -NonInteractive -Command {
            param($Path)
            $ErrorActionPreference = 'Stop'
            Import-Module -Name $Path
            (Get-Command -Module WorktreeTools).Name
        } -args $manifestPath
        $LASTEXITCODE | Should -Be 0
        @($names | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
    }

    It 'shows about_WorktreeTools after Import-Module by path, as the README sets it up' {
        $help = & $pwsh -NoProfile -NonInteractive -Command {
            param($Path)
            $ErrorActionPreference = 'Stop'
            Import-Module -Name $Path
            Get-Help about_WorktreeTools | Out-String -Width 200
        } -args $manifestPath
        $LASTEXITCODE | Should -Be 0
        $help | Should -Match 'TRUST AND APPROVAL'
        @(& $pwsh -NoProfile -NonInteractive -Command {
            param($Path)
            Import-Module -Name $Path
            @(Get-Help about_WorktreeTools).Count
        } -args $manifestPath) | Should -Be 1 -Because 'one topic, not a list of copies'
    }
}

Describe 'Exported cmdlet <Name>' -ForEach $cmdlets {
    BeforeAll {
        Import-Module -Name $manifestPath -Force
        $command = Get-Command -Module WorktreeTools -Name $Name -ErrorAction SilentlyContinue
    }

    It 'is listed by Get-Command -Module WorktreeTools as a cmdlet' {
        $command | Should -Not -BeNullOrEmpty
        $command.CommandType | Should -Be 'Cmdlet'
    }

    It 'declares its output type' {
        $command.OutputType | Should -Not -BeNullOrEmpty
        foreach ($type in $command.OutputType) { $type.Type | Should -Not -BeNullOrEmpty -Because "$($type.Name) must be a loadable type" }
    }
}
