#Requires -Version 7.4
# Pester 5, real pwsh. The module's objects export well: Export-Csv / ConvertTo-Csv write values (ports, commits,
# files, policies), never a .NET type name such as System.Collections.Generic.List`1[...]. Needs git and node.

BeforeDiscovery {
    $noNode = -not (Get-Command node -ErrorAction Ignore)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Sandbox.ps1')
    $script:repo = New-SandboxRepository -Files @{
        '.worktree-tools.yml' = "ports: { web: 16601-16699, api: 16701-16799 }`n"
        'server.js'           = "require('http').createServer((q, r) => r.end('ok')).listen(process.env.PORT, '127.0.0.1');`n"
        'agent.js'            = "require('fs').writeFileSync('agent.txt', 'work');require('child_process').execSync('git add agent.txt && git commit -q -m ""Agent work""');`n"
    }
    Set-Location $repo
    $script:objects = [ordered]@{}
    $objects.IssueWorktree = New-IssueWorktree 1 -NoInstall
    $objects.DevServer = Start-DevServer 1 -Command 'node server.js'
    $objects.AgentRun = Start-IssueAgent 1 -Prompt 'work' -Agent 'node agent.js {prompt}' | Wait-IssueAgent -Timeout 60
    # A change on main that conflicts with nothing, and one that conflicts with the agent's file.
    Set-SandboxFile $repo 'agent.txt' 'main'
    git -C $repo add agent.txt
    git -C $repo commit -q -m 'main work'
    $objects.MergeResult = Merge-IssueWorktree 1 -NoFetch -NoTest -WhatIf 3>$null
    $objects.SyncResult = Sync-IssueWorktree 1 -NoFetch -WhatIf 3>$null
    $script:csv = @{}
    foreach ($name in $objects.Keys) { $csv[$name] = $objects[$name] | ConvertTo-Csv | ConvertFrom-Csv }
}

AfterAll {
    Stop-DevServer 1 -Confirm:$false -ErrorAction Ignore | Out-Null
    Remove-Sandbox
}

Describe 'ConvertTo-Csv of the module''s objects' -Skip:$noNode {
    It '<_> writes values, not type names' -ForEach 'IssueWorktree', 'DevServer', 'AgentRun', 'MergeResult', 'SyncResult' {
        $row = $csv[$_]
        $row | Should -Not -BeNullOrEmpty
        foreach ($property in $row.PSObject.Properties) {
            $property.Value | Should -Not -Match '^System\.|^WorktreeTools\.|`\d\[' -Because "$_.$($property.Name) should export its value"
        }
    }

    It 'writes the ports by name' {
        $web, $api = $objects.DevServer.Ports['web'], $objects.DevServer.Ports['api']
        $csv.DevServer.Ports | Should -Be "web=$web, api=$api"
        $csv.IssueWorktree.Ports | Should -Be "web=$web, api=$api"
    }

    It 'writes the dev server''s URL with its port (issue 11 §4: URLs with no port number)' {
        $web = $objects.DevServer.Ports['web']
        $csv.DevServer.Url | Should -Be "http://localhost:$web/"
        (Get-IssueWorktree 1 | ConvertTo-Csv | ConvertFrom-Csv).DevServerUrl | Should -Be "http://localhost:$web/"
    }

    It 'writes the commits and conflicting files as text' {
        $csv.AgentRun.Commits | Should -Match '^[0-9a-f]{10} Agent work$'
        $csv.MergeResult.ConflictFiles | Should -Be 'agent.txt'
        $csv.SyncResult.ConflictFiles | Should -Be 'agent.txt'
    }
}
