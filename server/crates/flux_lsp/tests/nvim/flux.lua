-- Headless Neovim 0.7 end-to-end check of flux-lsp (a push-only, UTF-16 client).
-- Run: server/crates/flux_lsp/tests/nvim/run.sh (needs `apt-get install neovim`).
-- Exits 0 when every check passes, 1 otherwise.
local function log(...) io.stdout:write(table.concat(vim.tbl_map(tostring, {...}), ' ') .. '\n') end
local failures = 0
local function check(cond, msg) if cond then log('PASS', msg) else log('FAIL', msg); failures = failures + 1 end end
local ok, err = pcall(function()
  local file = os.getenv('JS_FILE')
  local root = vim.fn.fnamemodify(file, ':h')
  vim.cmd('edit ' .. file)
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'javascript'
  local client_id = vim.lsp.start_client({ name = 'flux', cmd = { os.getenv('FLUX_LSP') }, root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'ws' } } })
  check(vim.lsp.buf_attach_client(bufnr, client_id), 'attach')
  check(vim.wait(10000, function() local c = vim.lsp.get_client_by_id(client_id); return c ~= nil and c.initialized == true end, 50), 'initialized')
  local client = vim.lsp.get_client_by_id(client_id)
  log('encoding', client.offset_encoding)
  check(vim.wait(10000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50), 'diagnostics arrived')
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do log(string.format('  diag %d:%d sev=%s [%s] %s', d.lnum + 1, d.col + 1, d.severity, tostring(d.code), d.message:sub(1, 70))) end
  local uri = vim.uri_from_bufnr(bufnr)
  local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', { textDocument = { uri = uri }, position = { line = 10, character = 4 } }, 5000)
  local r = res and res[client_id] and res[client_id].result
  log('  hover:', r and r.contents.value:sub(1, 120):gsub('\n', ' ') or 'nil')
  check(r ~= nil and r.contents.value:find('samples') ~= nil, 'hover on samples')
  res = vim.lsp.buf_request_sync(bufnr, 'textDocument/inlayHint', { textDocument = { uri = uri }, range = { start = { line = 0, character = 0 }, ['end'] = { line = 30, character = 0 } } }, 5000)
  r = res and res[client_id] and res[client_id].result or {}
  for _, h in ipairs(r) do log('  hint', h.position.line + 1, h.position.character, h.label) end
  check(#r > 0, 'inlay hints')
  res = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', { textDocument = { uri = uri }, range = { start = { line = 10, character = 2 }, ['end'] = { line = 10, character = 2 } }, context = { diagnostics = {} } }, 5000)
  r = res and res[client_id] and res[client_id].result or {}
  for _, a in ipairs(r) do log('  action', a.title) end
  check(#r > 0, 'code actions')
  -- Apply the suppression through Neovim's own edit machinery, then the diagnostic on line 11 goes.
  vim.lsp.util.apply_workspace_edit(r[1].edit, client.offset_encoding)
  -- Insert an emoji line above everything: positions shift; the server must follow.
  vim.api.nvim_buf_set_lines(bufnr, 0, 0, false, { '// 😀 é 漢字' })
  check(vim.wait(10000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do if d.lnum == 13 and d.code == 'blocks-replication' then return true end end
    return false
  end, 50), 'the second write moved from line 12 to 14 (suppression comment + emoji line)')
  local lines = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do table.insert(lines, d.lnum + 1) end
  log('  diag lines now', table.concat(lines, ','))
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
  res = vim.lsp.buf_request_sync(bufnr, 'workspace/executeCommand', { command = 'flux.debugDocument', arguments = { uri } }, 5000)
  r = res and res[client_id] and res[client_id].result
  check(r ~= nil and r.text == text, 'server text equals the buffer')
end)
if not ok then log('ERROR', err); failures = failures + 1 end
if failures == 0 then log('ALL OK'); vim.cmd('qall!') else log(failures .. ' failure(s)'); vim.cmd('cquit 1') end
