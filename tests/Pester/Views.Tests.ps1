#Requires -Version 7.4
# Pester 5, real pwsh. Every default view is rendered with real objects at 80 and 120 columns: the columns that
# matter are there, no header or row is wrapped, no line is wider than the console; a Full view shows the rest;
# lists come sorted by issue. A new output type needs a sample here (the first test says so).

BeforeDiscovery {
    Import-Module -Name (Join-Path $PSScriptRoot '..' '..' 'WorktreeTools.psd1') -Force
    $types = @(Get-Command -Module WorktreeTools -CommandType Cmdlet | ForEach-Object OutputType |
        Where-Object { $_.Type.Namespace -ne 'System' -and $_.Type.Namespace -ne 'System.IO' -and $_.Type.Namespace -ne 'System.Management.Automation' } |
        ForEach-Object Name | Sort-Object -Unique)
    # What must be in view, whole, at every width (labels of columns, then values the objects must show).
    $expect = @{
        'WorktreeTools.Worktrees.IssueWorktree'       = @{ Columns = 'Issue', 'State', 'Sync', 'Changes', 'Merged', 'Server'; Wide = 'Branch' }
        'WorktreeTools.Processes.DevServer'           = @{ Columns = 'Issue', 'State', 'Url', 'Exit', 'Started', 'Command' }
        'WorktreeTools.Processes.AgentRun'            = @{ Columns = 'Issue', 'Agent', 'State', 'Duration', 'Commits', 'Id', 'Detail' }
        'WorktreeTools.Merging.MergeResult'           = @{ Columns = 'Issue', 'Status', 'Strategy', 'Into', 'Commits', 'Details' }
        'WorktreeTools.Merging.SyncResult'            = @{ Columns = 'Issue', 'Status', 'Strategy', 'Base', 'Behind', 'Details' }
        'WorktreeTools.Merging.MergeUndoResult'       = @{ Columns = 'Issue', 'Status', 'Into', 'From', 'To', 'Removed', 'Remote' }
        'WorktreeTools.Worktrees.RepairAction'        = @{ Columns = 'Issue', 'Action', 'Detail' }
        'WorktreeTools.Configuration.ConfiguredCommand' = @{ Columns = 'Key', 'Source', 'Text' }
        'WorktreeTools.Configuration.WorktreeConfig'  = @{ Labels = 'RepositoryRoot', 'Worktrees', 'Ports', 'DevServer', 'Agent', 'Merge' }
        'WorktreeTools.Merging.IssueConflict'         = @{ Columns = 'Issue', 'Other', 'Status', 'Files' }
        'WorktreeTools.Merging.IssueConflictMatrix'   = @{ Text = '101', 'PROJ-1234' }
    }
    $cases = foreach ($t in $types) {
        foreach ($width in 80, 120) { @{ TypeName = $t; Width = $width; Expect = $expect[$t] } }
    }
    $fullCases = @($types | Where-Object { $expect[$_] -and $expect[$_].Columns } | ForEach-Object { @{ TypeName = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Sandbox.ps1')

    # One repository with issues in every state a user meets: a dev server answering, an agent waiting for an
    # answer, uncommitted work, merged work, work behind its base.
    $script:repo = New-SandboxRepository -Name 'views' -Files @{
        '.worktree-tools.yml' = "ports: { web: $(Get-SandboxPortRange), api: 22000-22999 }`ndevServer: { command: 'node server.js', ready: { port: web, timeoutSec: 30 } }`n"
        'server.js'           = "require('http').createServer((q, r) => r.end('ok')).listen(process.env.PORT, '127.0.0.1');`n"
    }
    Set-Location $repo
    $script:approved = @(Approve-WorktreeConfig -Confirm:$false -PassThru)
    $null = '101', '2', 'PROJ-1234', '10', '3' | New-IssueWorktree -NoInstall
    $script:worktrees = @{}
    Get-IssueWorktree | ForEach-Object { $worktrees[$_.Issue] = $_ }
    $script:server = Start-DevServer 101
    foreach ($issue in '101', 'PROJ-1234') {   # two issues change the same line: a conflicting pair
        Set-SandboxFile $worktrees[$issue].Path 'README.md' "# test by $issue`n"
        git -C $worktrees[$issue].Path commit -q -am "feat(issue-$issue): readme"
    }
    Set-Content -LiteralPath (Join-Path $worktrees['2'].Path 'notes.txt') -Value 'not committed yet'
    Set-SandboxFile $worktrees['3'].Path 'feature.txt' "done`n"
    git -C $worktrees['3'].Path add -A
    git -C $worktrees['3'].Path commit -q -m 'feat(issue-3): feature'
    $agent = Join-Path $SandboxRoot 'asks.sh'
    Set-Content -LiteralPath $agent -Value "#!/bin/sh`necho 'waiting which database should the migration target?' >> `"`$WORKTREE_AGENT_STATE_FILE`"`nsleep 60`n"
    chmod +x $agent
    $script:run = Start-IssueAgent 10 -Agent "'$agent' {prompt}" -Prompt 'Add a migration for the invoices table, then wait for review'
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ((Get-IssueAgent 10).State -ne 'Waiting' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }

    $script:samples = @{
        'WorktreeTools.Processes.DevServer'             = @(Get-DevServer)
        'WorktreeTools.Processes.AgentRun'              = @(Get-IssueAgent)
        'WorktreeTools.Merging.MergeResult'             = @(Merge-IssueWorktree 3 -NoTest -NoFetch) + @(Merge-IssueWorktree 2 -WhatIf -NoFetch 3>$null)
        'WorktreeTools.Merging.SyncResult'              = @(Sync-IssueWorktree 101 -WhatIf -NoFetch 3>$null)
        'WorktreeTools.Configuration.ConfiguredCommand' = $approved
        'WorktreeTools.Configuration.WorktreeConfig'    = @(Get-WorktreeConfig)
        'WorktreeTools.Merging.IssueConflict'           = @(Get-IssueConflict -All)
        'WorktreeTools.Merging.IssueConflictMatrix'     = @(Get-IssueConflict -Matrix)
    }
    $samples['WorktreeTools.Worktrees.IssueWorktree'] = @(Get-IssueWorktree)
    $samples['WorktreeTools.Merging.MergeUndoResult'] = @($samples['WorktreeTools.Merging.MergeResult'][0] | Undo-IssueMerge -WhatIf 3>$null)

    # A second repository whose worktree folder was deleted by hand, for Repair-IssueWorktree's actions.
    $other = New-SandboxRepository -Name 'repaired'
    $gone = New-IssueWorktree 7 -NoInstall -Repository $other
    Remove-Item -LiteralPath $gone.Path -Recurse -Force
    $samples['WorktreeTools.Worktrees.RepairAction'] = @(Repair-IssueWorktree -Repository $other -Confirm:$false)

    <# The rendered table as lines; asserts every line fits, the header is one line, and each object is one row. #>
    function Get-TableLines([object[]] $Objects, [int] $Width, [string] $View) {
        $text = if ($View) { $Objects | Format-Table -View $View | Out-String -Width $Width } else { $Objects | Out-String -Width $Width }
        $lines = @($text -split '\r?\n' | Where-Object { $_.Trim() })
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $Width -Because "a line is wider than $Width columns:`n$text" }
        $lines[1] | Should -Match '^[-\s]+$' -Because "the header must be one line:`n$text"
        $lines.Count - 2 | Should -Be $Objects.Count -Because "each object must be one row, none wrapped:`n$text"
        , $lines
    }

    function Get-HeaderLabels([string] $Header, [string] $Dashes) {
        # Each column's label sits above its run of dashes.
        [regex]::Matches($Dashes, '-+') | ForEach-Object { $Header.Substring($_.Index, [Math]::Min($_.Length, $Header.Length - $_.Index)).Trim() }
    }
}

AfterAll {
    Get-IssueAgent -Repository $repo -ErrorAction Ignore | Where-Object IsRunning | Stop-IssueAgent -Repository $repo -ErrorAction Ignore
    Remove-Sandbox
}

Describe 'The view of <TypeName>' -ForEach $cases {
    It 'reads well at <Width> columns' {
        $Expect | Should -Not -BeNullOrEmpty -Because "every output type needs a sample and its key columns in Views.Tests.ps1"
        $objects = $samples[$TypeName]
        $objects | Should -Not -BeNullOrEmpty -Because "the sample of $TypeName comes from real commands"
        if (-not $Expect.Columns) {
            # A list or custom view: nothing wider than the console, and what it must say.
            $text = $objects | Out-String -Width $Width
            foreach ($line in $text -split '\r?\n') { $line.TrimEnd().Length | Should -BeLessOrEqual $Width -Because "a line is wider than $Width columns:`n$text" }
            foreach ($label in $Expect.Labels) { $text | Should -Match "(?m)^$label\s+: \S" }
            foreach ($value in $Expect.Text) { $text | Should -Match ([regex]::Escape($value)) }
            return
        }
        $lines = Get-TableLines $objects $Width
        $labels = @(Get-HeaderLabels $lines[0] $lines[1])
        $wanted = @($Expect.Columns) + @(if ($Width -ge 120) { $Expect.Wide })
        foreach ($column in $wanted | Where-Object { $_ }) {
            $labels | Should -Contain $column -Because "the column '$column' must be in view, unwrapped, at $Width columns:`n$($lines -join "`n")"
        }
    }
}

Describe 'The Full view of <TypeName>' -ForEach $fullCases {
    It 'shows every column, unwrapped, on a wide console' {
        $full = (Get-FormatData -TypeName $TypeName -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition | Where-Object Name -eq 'Full'
        $full | Should -Not -BeNullOrEmpty -Because 'Format-Table -View Full must work for every table'
        $lines = Get-TableLines $samples[$TypeName] 260 'Full'
        $labels = @(Get-HeaderLabels $lines[0] $lines[1])
        $labels | Should -Be @($full.Control.Headers.Label)
    }
}

Describe 'What the status table shows' {
    It 'shows the dev server''s URL with its port, whole, at <_> columns' -ForEach 80, 120 {
        $text = $samples['WorktreeTools.Worktrees.IssueWorktree'] | Out-String -Width $_
        $port = $server.Ports['web']
        $text | Should -Match "\shttp://localhost:$port/\s" -Because "the URL must be whole, its port in view:`n$text"
        $text | Should -Match "(?m)^101\s+Ready\s+\+1 -\d+\s+clean\s+no\s+http://localhost:$port/"
        $text | Should -Match "(?m)^10\s+waiting \(asks\)"
        $text | Should -Match "(?m)^2\s+Ready\s+\+0 -2\s+\?1\s+empty"
        $text | Should -Match "(?m)^3\s+Ready\s+\+0 -\d+\s+clean\s+yes"
    }

    It 'shows what a waiting agent asked' {
        $samples['WorktreeTools.Processes.AgentRun'] | Out-String -Width 80 | Should -Match '10\s+asks\s+Waiting\s.*which database'
    }

    It 'lists issues in order, numbers by value' {
        $samples['WorktreeTools.Worktrees.IssueWorktree'].Issue | Should -Be @('2', '3', '10', '101', 'PROJ-1234')
        (Get-IssueWorktree | Format-Table | Out-String -Width 80) -split '\r?\n' | Where-Object { $_ -match '^\S' } |
            Select-Object -Skip 2 | ForEach-Object { ($_ -split '\s+')[0] } | Should -Be @('2', '3', '10', '101', 'PROJ-1234')
    }
}
