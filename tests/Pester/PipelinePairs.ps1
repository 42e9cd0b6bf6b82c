#Requires -Version 7.4
# The pipeline pairs users write: what they pipe (module objects, ids as strings and numbers, JSON from an issue
# tracker, objects and hashtables) into each cmdlet that takes an issue. Dot-sourced by
# tests/Pester/PipelineBinding.Tests.ps1 (real pwsh) and by tests/WorktreeTools.Tests/PipelineBindingTests.cs (the
# hosted engine), so that both run the very same pairs. A new cmdlet that takes an issue gets a consumer here.
#
# Every producer yields issue 2 of a fixture that has issues 1 and 2, each with a running dev server and a finished
# agent run. Every pair runs from a folder outside the repository: objects must bring their repository
# (RepositoryRoot); ids get -Repository. A pair passes when it writes no error and everything it reports (output
# objects and -WhatIf lines) is about issue 2 of that repository, and nothing about issue 1.

# What users pipe, each as a script that yields issue 2. NeedsRepository: it carries no repository of its own.
$PipelineProducers = [ordered]@{
    'IssueWorktree'               = @{ Script = 'Get-IssueWorktree 2 -Repository $Repository' }
    'DevServer'                   = @{ Script = 'Get-DevServer 2 -Repository $Repository' }
    'AgentRun'                    = @{ Script = 'Get-IssueAgent 2 -Repository $Repository' }
    'SyncResult'                  = @{ Script = 'Sync-IssueWorktree 2 -Repository $Repository -NoFetch -WhatIf' }
    # Collected first: a train holds the repository's merge lock while it streams its results, so a Sync downstream
    # would wait for it (MergeInProgress).
    'MergeResult'                 = @{ Script = '(Merge-IssueWorktree 2 -Repository $Repository -NoFetch -NoTest -WhatIf)' }
    "'2'"                         = @{ Script = "'2'"; NeedsRepository = $true }
    '2 (a number)'                = @{ Script = '2'; NeedsRepository = $true }
    'gh issue list --json number' = @{ Script = "'[{""number"":2,""title"":""Fix the login""}]' | ConvertFrom-Json"; NeedsRepository = $true }
    '[pscustomobject]@{Issue=2}'  = @{ Script = '[pscustomobject]@{ Issue = 2 }'; NeedsRepository = $true }
    "@{Issue='2'}"                = @{ Script = "@{ Issue = '2' }"; NeedsRepository = $true }
    '@{Number=2}'                 = @{ Script = '@{ Number = 2 }'; NeedsRepository = $true }
}

# Every cmdlet that takes an issue, as users pipe into it; what changes state runs with -WhatIf.
$PipelineConsumers = [ordered]@{
    'Get-IssueWorktree'             = 'Get-IssueWorktree'
    'Enter-IssueWorktree'           = 'Enter-IssueWorktree -PassThru'
    'Invoke-IssueCommand { }'       = 'Invoke-IssueCommand { Split-Path -Leaf $PWD }'
    'Invoke-IssueCommand -Command'  = 'Invoke-IssueCommand -Command ''git rev-parse --abbrev-ref HEAD'''
    'New-IssueWorktree'             = 'New-IssueWorktree -NoInstall -WhatIf'
    'Sync-IssueWorktree'            = 'Sync-IssueWorktree -NoFetch -WhatIf'
    'Merge-IssueWorktree'           = 'Merge-IssueWorktree -NoFetch -NoTest -WhatIf'
    'Get-IssueConflict -All'        = 'Get-IssueConflict -All'
    'Remove-IssueWorktree'          = 'Remove-IssueWorktree -WhatIf'
    'Get-DevServer'                 = 'Get-DevServer'
    'Start-DevServer'               = 'Start-DevServer -WhatIf'
    'Restart-DevServer'             = 'Restart-DevServer -WhatIf'
    'Stop-DevServer'                = 'Stop-DevServer -WhatIf -PassThru'
    'Get-IssueLog'                  = 'Get-IssueLog -Tail 20'
    'Get-IssueAgent'                = 'Get-IssueAgent'
    'Start-IssueAgent'              = 'Start-IssueAgent -Prompt ''Fix it'' -WhatIf'
    'Wait-IssueAgent'               = 'Wait-IssueAgent -Timeout 60'
    'Stop-IssueAgent'               = 'Stop-IssueAgent -WhatIf -PassThru'
    'Get-IssueConflict'             = 'Get-IssueConflict -All'
}

<#
.SYNOPSIS
    Makes the fixture: a repository (in $Folder/app) with a dev server (node) and an agent (node) configured and
    approved, issues 1 and 2 with a running dev server each and a finished agent run each. Returns the repository.
#>
function New-PipelineFixture([string] $Folder, [int] $FirstPort) {
    $repo = Join-Path $Folder 'app'
    $tools = Join-Path $Folder 'tools'
    New-Item -ItemType Directory -Path $repo, $tools -Force | Out-Null
    Set-Content -LiteralPath (Join-Path $tools 'server.js') -Value @'
const http = require('http');
http.createServer((req, res) => res.end('issue ' + process.env.ISSUE_ID))
    .listen(+process.env.PORT, '127.0.0.1', () => console.log('dev server of issue ' + process.env.ISSUE_ID + ' listening'));
'@
    Set-Content -LiteralPath (Join-Path $tools 'agent.js') -Value "console.log('agent on issue ' + process.env.ISSUE_ID);"
    $node = (Get-Command node -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    $quote = { param($path) "'" + ($path -replace "'", "''") + "'" }
    Set-Content -LiteralPath (Join-Path $repo '.worktree-tools.yml') -Value @"
ports: { web: $FirstPort-$($FirstPort + 98) }
devServer: { command: "$(& $quote $node) $(& $quote (Join-Path $tools 'server.js'))" }
agent: { command: "$(& $quote $node) $(& $quote (Join-Path $tools 'agent.js')) {prompt}" }
"@
    git -C $repo init -q -b main
    git -C $repo add -A
    git -C $repo commit -q -m 'config'
    if ($LASTEXITCODE -ne 0) { throw "git commit failed in $repo" }
    Approve-WorktreeConfig $repo -Confirm:$false -ErrorAction Stop
    # Set up without the pipeline binding under test.
    $null = New-IssueWorktree -Issue '1', '2' -Repository $repo -NoInstall -ErrorAction Stop
    $null = Start-DevServer -Issue '1', '2' -Repository $repo -ErrorAction Stop
    foreach ($issue in '1', '2') {
        $run = Start-IssueAgent -Issue $issue -Repository $repo -Prompt 'work' -ErrorAction Stop
        $null = Wait-IssueAgent -Id $run.Id -Repository $repo -Timeout 60 -ErrorAction Stop
    }
    $repo
}

<# Stops the fixture's dev servers (and any agent still running). #>
function Remove-PipelineFixture([string] $Repository) {
    Get-DevServer -Repository $Repository | Where-Object IsRunning | Stop-DevServer -Confirm:$false
    Get-IssueAgent -Repository $Repository | Where-Object IsRunning | Stop-IssueAgent -Confirm:$false
}

<#
.SYNOPSIS
    Runs one pair from a folder outside the repository. Returns Errors (strings) and Reported: one line per output
    object (its issue and repository, or its text) and per -WhatIf line, read from a transcript.
#>
function Invoke-PipelinePair([string] $Producer, [string] $Consumer, [string] $Repository, [string] $Outside) {
    $from = $PipelineProducers[$Producer]
    $script = "$($from.Script) | $($PipelineConsumers[$Consumer])" + ($from.NeedsRepository ? ' -Repository $Repository' : '')
    $transcript = Join-Path $Outside ("pair-" + [guid]::NewGuid().ToString('N') + '.txt')
    $all = @()
    Push-Location -LiteralPath $Outside
    try {
        $null = Start-Transcript -LiteralPath $transcript -UseMinimalHeader
        try { $all = @(& ([scriptblock]::Create($script)) 2>&1) }
        catch { $all += $_ }
        finally { $null = Stop-Transcript }
    }
    finally { Pop-Location }
    $output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
    $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
    $reported = @(
        foreach ($o in $output) {
            if ($o.PSObject.Properties['Issue']) { "issue $($o.Issue) of $($o.RepositoryRoot)" }
            elseif ($o -is [System.Management.Automation.PathInfo]) { $o.Path }
            else { "$o" }
        }
        Get-Content -LiteralPath $transcript | Where-Object { $_ -like 'What if:*' }
    )
    Remove-Item -LiteralPath $transcript -ErrorAction SilentlyContinue
    [pscustomobject]@{ Pair = "$Producer | $Consumer"; Script = $script; Errors = $errors; Reported = $reported }
}

<#
.SYNOPSIS
    What is wrong with a pair's outcome (nothing: $null): errors, nothing about issue 2, anything about issue 1, or
    an object of another repository. Lines about no issue (a log's "# exit code 0") say nothing either way.
#>
function Test-PipelinePair($Outcome, [string] $Repository) {
    $root = (Resolve-Path -LiteralPath $Repository).Path
    $problems = @(
        $Outcome.Errors
        if (-not ($Outcome.Reported -match '\bissue[ -]2\b')) { 'nothing about issue 2' }
        foreach ($line in $Outcome.Reported) {
            if ($line -match '\bissue[ -]1\b') { "about issue 1: $line" }
            elseif ($line -match '^issue 2 of (?<r>.*)$' -and $Matches.r -ne $root) { "not of the repository: $line" }
        }
    )
    if ($problems) { "$($Outcome.Script)`n  " + ($problems -join "`n  ") }
}
