#Requires -Version 7.4
# Pester 5. Tab completion on the module's parameters never throws. Every parameter named Issue, on any
# exported cmdlet, is covered as soon as it exists. Issue ids, branches (-Base, -Into, -From), an issue's commits (-Commit)
# and agent runs (-Id, -RunId) complete from a real repository.

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
    It 'completes Get-WorktreeConfig -Repository without error' {
        { Complete 'Get-WorktreeConfig -Repository ' } | Should -Not -Throw
        Complete 'Get-WorktreeConfig -Repository ' | Should -BeOfType ([System.Management.Automation.CommandCompletion])
    }

    It 'completes <Name> -Issue without error' -ForEach $issueCmdlets {
        { Complete "$Name -Issue " } | Should -Not -Throw
        Complete "$Name -Issue " | Should -BeOfType ([System.Management.Automation.CommandCompletion])
    }
}

Describe 'Completion from a repository' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'Sandbox.ps1')
        $repo = New-SandboxRepository -Files @{ '.worktree-tools.yml' = "ports: {}`n" }
        git -C $repo branch develop
        git -C $repo branch release/1.4
        $bare = Join-Path (Split-Path $repo) 'origin.git'
        git init -q --bare $bare
        git -C $repo remote add origin $bare
        git -C $repo push -q origin main main:hotfix 2>$null
        git -C $repo fetch -q origin
        Set-Location $repo
        $worktree = New-IssueWorktree 1 -NoInstall
        $null = '10', '2' | New-IssueWorktree -NoInstall
        foreach ($n in 1, 2) {
            Set-SandboxFile $worktree.Path "file$n.txt" "$n"
            git -C $worktree.Path add -A
            git -C $worktree.Path commit -q -m "Issue work $n"
        }
        $commits = @(git -C $repo log --format=%h main..feature/issue-1)
        $script:run = Start-IssueAgent 1 -Prompt 'Fix the login' -Agent 'git status {prompt}' | Wait-IssueAgent -Timeout 60
        function Texts([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText) }
    }

    AfterAll { Remove-Sandbox }

    It 'completes -Issue with the issues, numbers by value as the lists sort them' {
        Texts 'Get-IssueWorktree ' | Should -Be @('1', '2', '10')
        Texts 'Stop-DevServer -Issue 1' | Should -Be @('1', '10')
    }

    It 'completes -Base with local and remote branches' {
        Texts 'New-IssueWorktree 2 -Base ' | Should -Contain 'release/1.4'
        Texts 'New-IssueWorktree 2 -Base ' | Should -Contain 'hotfix'
        Texts 'New-IssueWorktree 2 -Base rel' | Should -Be @('release/1.4')
    }

    It 'completes -Into and -From with branches' {
        Texts 'Merge-IssueWorktree 1 -Into dev' | Should -Be @('develop')
        Texts 'Sync-IssueWorktree 1 -From ma' | Should -Be @('main')
    }

    It 'completes -Commit with the issue''s own commits, newest first' {
        Texts 'Merge-IssueWorktree 1 -Strategy CherryPick -Commit ' | Should -Be $commits
        Texts "Merge-IssueWorktree -Issue 1 -Commit $($commits[1].Substring(0, 4))" | Should -Be @($commits[1])
    }

    It 'completes -Id and -RunId with agent runs' {
        Texts 'Wait-IssueAgent -Id ' | Should -Be @($run.Id)
        Texts 'Stop-IssueAgent -Id ' | Should -Be @($run.Id)
        Texts 'Get-IssueAgent -Id ' | Should -Be @($run.Id)
        Texts 'Get-IssueLog 1 -RunId ' | Should -Be @($run.Id)
        Texts 'Get-IssueLog 2 -RunId ' | Should -BeNullOrEmpty
    }

    It 'completes from another folder with -Repository' {
        Push-Location ([IO.Path]::GetTempPath())
        try { Texts "New-IssueWorktree 2 -Repository '$repo' -Base rel" | Should -Be @('release/1.4') }
        finally { Pop-Location }
    }
}
