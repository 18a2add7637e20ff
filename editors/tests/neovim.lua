-- Headless Neovim test of editors/neovim with flux-lsp; the same file runs on 0.7 and 0.11.
-- Env: FLUX_LSP (binary), PLUGIN (editors/neovim), JS_FILE (a copy of listing 1). Exit 0 = pass.
local function log(...) io.stdout:write(table.concat(vim.tbl_map(tostring, { ... }), ' ') .. '\n') end
local failures = 0
local function check(cond, msg)
  log(cond and 'PASS' or 'FAIL', msg)
  if not cond then failures = failures + 1 end
end
local v = vim.version()
local modern = v.minor >= 10 or v.major > 0

local function blocking(bufnr)
  return vim.tbl_filter(function(d) return d.code == 'blocks-replication' end, vim.diagnostic.get(bufnr))
end
-- The raw LSP diagnostic behind a vim.diagnostic entry (0.10+: user_data.lsp; 0.7 keeps only
-- some fields there, so rebuild it).
local function to_lsp(d)
  local raw = d.user_data and d.user_data.lsp
  if raw and raw.range then return raw end
  return { range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    severity = d.severity, code = d.code, source = d.source, message = d.message }
end

-- Records every publishDiagnostics (uri -> count of items) before Neovim handles it.
local published = {}
local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(e, result, ctx, config)
  if result then published[result.uri] = #result.diagnostics end
  return publish(e, result, ctx, config)
end

local ok, err = pcall(function()
  vim.opt.runtimepath:prepend(os.getenv('PLUGIN'))
  vim.cmd('filetype plugin on')
  require('flux').setup({ cmd = { os.getenv('FLUX_LSP') } })
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('JS_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'javascript', 'filetype javascript')

  local client
  check(vim.wait(10000, function()
    local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
    for _, c in pairs(list) do
      if c.name == 'flux' and c.initialized then client = c end
    end
    return client ~= nil
  end, 50), 'the plugin started flux-lsp and attached it')
  check(vim.wait(15000, function() return #blocking(bufnr) > 0 end, 50), 'blocks-replication diagnostic arrived')
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    log(string.format('  diag %d:%d-%d sev=%d [%s] %s', d.lnum + 1, d.col + 1, d.end_col + 1, d.severity, tostring(d.code), d.message))
  end
  local finding = blocking(bufnr)[1]
  local line8 = vim.api.nvim_buf_get_lines(bufnr, 7, 8, false)[1]
  check(finding and finding.lnum == 7 and line8:sub(finding.col + 1, finding.col + 5) == 'count',
    'the finding is on `count += 1` (line 8)')

  local uri = vim.uri_from_bufnr(bufnr)
  if modern then
    -- The plugin enabled the inlay-hint UI on attach: read what it fetched and drew.
    check(vim.lsp.inlay_hint.is_enabled({ bufnr = bufnr }), 'inlay hints enabled by the plugin')
    check(vim.wait(10000, function() return #vim.lsp.inlay_hint.get({ bufnr = bufnr }) > 0 end, 50), 'inlay hints fetched')
    vim.cmd('redraw')
    local drawn = {}
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, -1, 0, -1, { details = true, type = 'virt_text' })) do
      if m[4].virt_text_pos == 'inline' then
        table.insert(drawn, (m[2] + 1) .. ':' .. table.concat(vim.tbl_map(function(c) return c[1] end, m[4].virt_text)))
      end
    end
    log('  inline hints drawn: ' .. table.concat(drawn, ' | '))
    check(#drawn > 0, 'inlay hints drawn as inline virtual text')
  else
    -- 0.7 has no inlay-hint UI: the raw request.
    local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/inlayHint', { textDocument = { uri = uri },
      range = { start = { line = 0, character = 0 }, ['end'] = { line = 14, character = 0 } } }, 5000)
    local hints = res and res[client.id] and res[client.id].result or {}
    for _, h in ipairs(hints) do
      log('  hint', h.position.line + 1, type(h.label) == 'string' and h.label or vim.inspect(h.label))
    end
    check(#hints > 0, 'inlay hints (raw request on 0.7)')
  end

  -- Quick fix for the finding, as `vim.lsp.buf.code_action` would ask for it.
  local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = { start = { line = finding.lnum, character = finding.col }, ['end'] = { line = finding.lnum, character = finding.col } },
    context = { diagnostics = { to_lsp(finding) }, only = { 'quickfix' } },
  }, 5000)
  local actions = res and res[client.id] and res[client.id].result or {}
  for _, a in ipairs(actions) do log('  action: ' .. a.title .. ' kind=' .. tostring(a.kind)) end
  -- Any quickfix for this finding: the suppression today, isolating fixes when they land.
  local action
  for _, a in ipairs(actions) do
    if not action and (a.kind or ''):find('^quickfix') and (a.title:find('blocks-replication', 1, true)
        or a.title:find('count', 1, true)) then
      action = a
    end
  end
  check(action ~= nil, 'a quickfix for the finding: ' .. (action and action.title or 'none'))
  local before = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  if action.edit then vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding) end
  if action.command then
    local cmd = type(action.command) == 'table' and action.command or action
    vim.lsp.buf_request_sync(bufnr, 'workspace/executeCommand', { command = cmd.command, arguments = cmd.arguments }, 5000)
  end
  local after = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  log('  new text:\n    ' .. table.concat(after, '\n    '))
  check(table.concat(after, '\n') ~= table.concat(before, '\n'), 'the action edited the buffer')
  if action.title:find('^Suppress') then
    check(after[8] == '    // flux-ignore-next-line blocks-replication: ' and after[9] == '    count += 1;',
      'suppression comment inserted above `count += 1`, indented')
    -- The user's reason, typed after the colon.
    vim.api.nvim_buf_set_text(bufnr, 7, #after[8], 7, #after[8], { 'one replica in this deployment' })
  end
  check(vim.wait(10000, function() return #blocking(bufnr) == 0 end, 50), 'the finding is gone after the fix')
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    log(string.format('  diag after: %d:%d [%s] %s', d.lnum + 1, d.col + 1, tostring(d.code), d.message))
  end

  -- The plugin's commands.
  vim.cmd('FluxFluxionalForm')
  local form = vim.api.nvim_get_current_buf()
  local text = table.concat(vim.api.nvim_buf_get_lines(form, 0, -1, false), '\n')
  log('  fluxional form:\n    ' .. text:gsub('\n', '\n    '))
  check(form ~= bufnr and vim.bo[form].filetype == 'flux' and text:find('flx reply', 1, true) ~= nil,
    ':FluxFluxionalForm opens a flux buffer with `flx reply`')
  vim.cmd('close')
  vim.api.nvim_set_current_buf(bufnr)
  vim.cmd('FluxGraph')
  local base = vim.fn.fnamemodify(os.getenv('JS_FILE'), ':r') .. '.flux'
  local mmd = table.concat(vim.fn.readfile(base .. '.mmd'), '\n')
  check(vim.fn.filereadable(base .. '.dot') == 1 and mmd:find('flowchart', 1, true) ~= nil,
    ':FluxGraph writes .flux.dot and .flux.mmd')
  vim.cmd('FluxGraph svg') -- SVG if the binary has `graph --format svg`, else a warning; never an error
  log('  :FluxGraph svg -> ' .. (vim.fn.filereadable(base .. '.svg') == 1 and 'svg written' or 'no svg (subcommand missing)'))

  -- A clean file gets an empty push: push-only clients (0.7, eglot, ALE) know the check ran.
  local clean = vim.fn.fnamemodify(os.getenv('JS_FILE'), ':h') .. '/clean.js'
  vim.fn.writefile({ "const express = require('express');", 'const app = express();',
    "app.get('/', (req, res) => res.send('ok'));", 'app.listen(8080);' }, clean)
  vim.cmd('edit ' .. vim.fn.fnameescape(clean))
  if client.server_capabilities.diagnosticProvider == nil then -- the server pushes to this client
    check(vim.wait(10000, function() return published[vim.uri_from_fname(clean)] == 0 end, 50),
      'a clean file gets an empty publishDiagnostics')
  end

  vim.lsp.stop_client(client.id)
  vim.wait(3000, function() return client.is_stopped(client) end, 50) -- 0.7 closure / 0.11 method
end)
if not ok then log('ERROR', err); failures = failures + 1 end
if failures == 0 then log('ALL OK'); vim.cmd('qall!') else log(failures .. ' failure(s)'); vim.cmd('cquit 1') end
