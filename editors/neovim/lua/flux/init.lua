-- flux-lsp for Neovim 0.7+: starts the server for JavaScript/TypeScript buffers, enables inlay
-- hints on 0.10+, and adds :FluxFluxionalForm and :FluxGraph.
local M = {}

M.config = {
  cmd = { 'flux-lsp' },
  filetypes = { 'javascript', 'javascriptreact', 'typescript', 'typescriptreact' },
  root_markers = { 'flux.json', 'package.json', '.git' },
  -- The `flux` section the server reads (initializationOptions and workspace/configuration).
  settings = { inlayHints = { streams = true, messages = true, context = true } },
  inlay_hints = true, -- 0.10+: vim.lsp.inlay_hint.enable on attach
  on_attach = nil,
  capabilities = nil,
}

local uv = vim.loop
local has_start = vim.lsp.start ~= nil -- 0.8+
local clients_07 = {} -- root_dir -> client id (0.7 has no vim.lsp.start to reuse clients)

local function notify(msg, level)
  vim.notify('flux: ' .. msg, level or vim.log.levels.INFO)
end

local function dirname(p)
  return vim.fn.fnamemodify(p, ':h')
end

-- Nearest folder upward holding one of the root markers, else the file's folder.
local function root_dir(fname)
  local dir = dirname(fname)
  local d = dir
  while true do
    for _, marker in ipairs(M.config.root_markers) do
      if uv.fs_stat(d .. '/' .. marker) then return d end
    end
    local parent = dirname(d)
    if parent == d then return dir end
    d = parent
  end
end

local function on_attach(client, bufnr)
  if M.config.inlay_hints and vim.lsp.inlay_hint and vim.lsp.inlay_hint.enable then
    pcall(vim.lsp.inlay_hint.enable, true, { bufnr = bufnr })
  end
  if M.config.on_attach then M.config.on_attach(client, bufnr) end
end

--- Starts (or reuses) the flux client for `bufnr`; returns the client id.
function M.start(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' or vim.bo[bufnr].buftype ~= '' then return nil end
  if vim.fn.executable(M.config.cmd[1]) ~= 1 then
    notify(('`%s` not found: install it with `cargo install --path .` in a flux-lsp checkout, '
      .. 'or pass cmd = { "/path/to/flux-lsp" } to setup()'):format(M.config.cmd[1]), vim.log.levels.ERROR)
    return nil
  end
  local root = root_dir(fname)
  local config = {
    name = 'flux',
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    init_options = M.config.settings,
    settings = { flux = M.config.settings },
    capabilities = M.config.capabilities,
    on_attach = on_attach,
  }
  if has_start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients_07[root]
  if not (id and vim.lsp.get_client_by_id(id)) then
    id = vim.lsp.start_client(config)
    clients_07[root] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
  return id
end

local function flux_client(bufnr)
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = 'flux' })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  for _, c in ipairs(list) do
    if c.name == 'flux' then return c end
  end
end

--- Runs a server command (flux.fluxionalForm, flux.pipelineGraph) on the buffer's file.
function M.execute(command, bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local client = flux_client(bufnr)
  if not client then return nil, 'no flux-lsp client attached to this buffer' end
  local res, err = vim.lsp.buf_request_sync(bufnr, 'workspace/executeCommand',
    { command = command, arguments = { vim.uri_from_bufnr(bufnr) } }, 10000)
  local r = res and res[client.id]
  if not r then return nil, err or 'no answer from flux-lsp' end
  if r.err or r.error then return nil, vim.inspect(r.err or r.error) end
  return r.result
end

--- :FluxFluxionalForm: the file in the paper's fluxional language, in a scratch buffer.
function M.fluxional_form()
  local src = vim.api.nvim_get_current_buf()
  local text, err = M.execute('flux.fluxionalForm', src)
  if not text then return notify(err, vim.log.levels.ERROR) end
  vim.cmd('vnew')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  pcall(vim.api.nvim_buf_set_name, buf, 'flux://' .. vim.api.nvim_buf_get_name(src) .. '.flx')
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n', { trimempty = true }))
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = 'flux'
  return buf
end

--- :FluxGraph [svg]: writes NAME.flux.dot and NAME.flux.mmd next to the file; with `svg`,
--- also NAME.flux.svg from `flux-lsp graph --format svg` when the binary has that subcommand.
function M.graph(format)
  local bufnr = vim.api.nvim_get_current_buf()
  local fname = vim.api.nvim_buf_get_name(bufnr)
  local graph, err = M.execute('flux.pipelineGraph', bufnr)
  if not graph then return notify(err, vim.log.levels.ERROR) end
  local base = vim.fn.fnamemodify(fname, ':r') .. '.flux'
  vim.fn.writefile(vim.split(graph.dot, '\n'), base .. '.dot')
  vim.fn.writefile(vim.split(graph.mermaid, '\n'), base .. '.mmd')
  local written = { base .. '.dot', base .. '.mmd' }
  if format == 'svg' then
    local out = vim.fn.system({ M.config.cmd[1], 'graph', '--format', 'svg', fname })
    if vim.v.shell_error == 0 and out:find('<svg', 1, true) then
      vim.fn.writefile(vim.split(out, '\n'), base .. '.svg')
      table.insert(written, base .. '.svg')
    else
      notify('this flux-lsp cannot draw SVG (`flux-lsp graph --format svg` failed: '
        .. vim.trim(out):sub(1, 120) .. '); wrote DOT and Mermaid only', vim.log.levels.WARN)
    end
  elseif format and format ~= '' then
    return notify('unknown format `' .. format .. '` (use :FluxGraph or :FluxGraph svg)', vim.log.levels.ERROR)
  end
  notify('wrote ' .. table.concat(vim.tbl_map(function(p) return vim.fn.fnamemodify(p, ':~:.') end, written), ', '))
  return written
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  local group = vim.api.nvim_create_augroup('flux_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args) M.start(args.buf) end,
  })
  vim.api.nvim_create_user_command('FluxFluxionalForm', function() M.fluxional_form() end,
    { desc = 'flux-lsp: show the fluxional form of this file' })
  vim.api.nvim_create_user_command('FluxGraph', function(a) M.graph(a.args) end, {
    nargs = '?', desc = 'flux-lsp: write the pipeline graph (DOT, Mermaid, or svg)',
    complete = function() return { 'svg' } end,
  })
  -- Buffers opened before setup() (e.g. `nvim file.js` with a lazy-loaded plugin).
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(M.config.filetypes, vim.bo[buf].filetype) then
      M.start(buf)
    end
  end
end

return M
