#Requires -Version 7.4
# Pester 5, real pwsh. The package as it would be published: laid out by build/Copy-ModulePackage.ps1 (what
# build.ps1 -Task Package does), Publish-PSResource to a file repository, Install-PSResource back, and imported by
# name in a fresh pwsh whose home is a temporary folder (so that the repository registration and the CurrentUser
# install touch nothing of the user's). It carries the native libraries of the platforms pwsh runs on, and no others;
# its help (cmdlet pages and about_WorktreeTools) is found where it is installed.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Sandbox.ps1')
    $root = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    $manifest = Import-PowerShellDataFile (Join-Path $root 'WorktreeTools.psd1')
    # Windows, Linux (glibc and musl) and macOS, x64 and arm64: where pwsh 7.4+ runs.
    $pwshRuntimes = 'linux-arm64', 'linux-musl-arm64', 'linux-musl-x64', 'linux-x64', 'osx-arm64', 'osx-x64', 'win-arm64', 'win-x64'
    $work = Join-Path $SandboxRoot 'package'
    $layout = Join-Path $work 'WorktreeTools'
    $null = & (Join-Path $root 'build' 'Copy-ModulePackage.ps1') -Destination $layout -Root $root
    $layoutBytes = (Get-ChildItem -LiteralPath $layout -Recurse -File | Measure-Object Length -Sum).Sum

    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $savedHome = $env:HOME
    $env:HOME = Join-Path $work 'home'
    # .NET gives no data or config folder unless it exists: PSResourceGet and NuGet would then write theirs into the
    # current folder. Both exist, and the current folder is the sandbox.
    New-Item -ItemType Directory -Path (Join-Path $env:HOME '.local' 'share'), (Join-Path $env:HOME '.config') -Force | Out-Null
    Push-Location $work
    try {
        $installed = & $pwsh -NoProfile -NonInteractive -Command {
            param($Layout, $Feed, $Repository)
            $ErrorActionPreference = 'Stop'
            New-Item -ItemType Directory -Path $Feed -Force | Out-Null
            Register-PSResourceRepository -Name WorktreeToolsTest -Uri $Feed -Trusted
            Publish-PSResource -Path $Layout -Repository WorktreeToolsTest
            $nupkg = Get-ChildItem -LiteralPath $Feed -Filter 'WorktreeTools.*.nupkg'
            Install-PSResource -Name WorktreeTools -Repository WorktreeToolsTest -Scope CurrentUser -TrustRepository
            Import-Module WorktreeTools
            $module = Get-Module WorktreeTools
            Set-Location $Repository
            [pscustomobject]@{
                NupkgBytes     = $nupkg.Length
                ModuleBase     = $module.ModuleBase
                Home           = $HOME
                Cmdlets        = @($module.ExportedCmdlets.Keys)
                InstalledBytes = (Get-ChildItem -LiteralPath $module.ModuleBase -Recurse -File | Measure-Object Length -Sum).Sum
                Runtimes       = @(Get-ChildItem -LiteralPath (Join-Path $module.ModuleBase 'module' 'dependencies' 'runtimes') -Directory).Name
                AboutTopics    = @(Get-Help about_WorktreeTools).Count
                About          = Get-Help about_WorktreeTools | Out-String
                Synopsis       = (Get-Help Get-WorktreeConfig).Synopsis
                # libgit2 (LibGit2Sharp) and e_sqlite3 load from the installed folder: a worktree, its status, a seeded database.
                State          = "$((New-IssueWorktree 1 -NoInstall).State)"
                Listed         = @(Get-IssueWorktree).Issue
                PSData         = (Find-PSResource -Name WorktreeTools -Repository WorktreeToolsTest)
            }
        } -args $layout, (Join-Path $work 'feed'), (New-SandboxRepository -Files @{
                '.worktree-tools.yml' = "ports: {}`ndatabase: { path: 'data/issue-{issue}.db', seed: data/seed.db }`n"
                'data/seed.db'        = ''
            })
    }
    finally {
        Pop-Location
        $env:HOME = $savedHome
    }
    $installed = @($installed | Where-Object NupkgBytes)[0]
    Write-Host ("Package: {0:N1} MB .nupkg, {1:N1} MB installed (layout {2:N1} MB)" -f ($installed.NupkgBytes / 1MB), ($installed.InstalledBytes / 1MB), ($layoutBytes / 1MB))
}

AfterAll { Remove-Sandbox }

Describe 'The published package' {
    It 'installs with Install-PSResource and imports by name from the install folder' {
        $installed | Should -Not -BeNullOrEmpty
        Join-Path $root 'PSResourceGet' | Should -Not -Exist -Because 'nothing is written outside the sandbox'
        Join-Path $root 'NuGet' | Should -Not -Exist -Because 'nothing is written outside the sandbox'
        $installed.ModuleBase | Should -BeLike "$($installed.Home)*"
        @($installed.Cmdlets | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
    }

    It 'works from there: git and SQLite native libraries load' {
        $installed.State | Should -Be 'Ready'
        $installed.Listed | Should -Be @('1')
    }

    It 'shows its help: about_WorktreeTools once, and the cmdlets'' help from module/en-US' {
        $installed.AboutTopics | Should -Be 1
        $installed.About | Should -Match 'TRUST AND APPROVAL'
        (Get-Content -LiteralPath (Join-Path $root 'docs' 'Get-WorktreeConfig.md') -Raw) -match '(?ms)^## SYNOPSIS\s*$(?<synopsis>.+?)^##' | Should -BeTrue
        ($installed.Synopsis -replace '\s+', ' ').Trim() | Should -Be (($Matches.synopsis -replace '\s+', ' ').Trim())
    }

    It 'carries native libraries for exactly the platforms pwsh runs on, each with libgit2 and e_sqlite3' {
        @($installed.Runtimes | Sort-Object) | Should -Be $pwshRuntimes
        foreach ($rid in $pwshRuntimes) {
            $native = @(Get-ChildItem -LiteralPath (Join-Path $layout 'module' 'dependencies' 'runtimes' $rid 'native') -File).Name
            $native | Where-Object { $_ -like '*git2*' } | Should -Not -BeNullOrEmpty -Because "$rid needs libgit2"
            $native | Where-Object { $_ -like '*e_sqlite3*' } | Should -Not -BeNullOrEmpty -Because "$rid needs e_sqlite3"
        }
    }

    It 'is small: under 15 MB packed (it was 27 MB with every runtime of the packages)' {
        $installed.NupkgBytes | Should -BeGreaterThan 1MB
        $installed.NupkgBytes | Should -BeLessThan 15MB
    }

    It 'says where it comes from, under which license, and what changed' {
        $data = $manifest.PrivateData.PSData
        $data.ProjectUri | Should -Match '^https://'
        $data.LicenseUri | Should -Match '^https://'
        $data.Tags | Should -Contain 'git'
        $data.Tags | Should -Contain 'PSEdition_Core'
        $data.ReleaseNotes | Should -Not -Match '^See README'
        $data.ReleaseNotes.Length | Should -BeGreaterThan 200
        Join-Path $layout 'LICENSE' | Should -FileContentMatch 'MIT License'
        $installed.PSData.ProjectUri | Should -Be $data.ProjectUri
    }
}
