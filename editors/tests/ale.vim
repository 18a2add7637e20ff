" Vim 9 + ALE (Debian vim-ale) with flux-lsp: the finding on listing 1 arrives as a loclist item.
" Usage: FLUX_LSP=... vim -N -u NONE -i NONE -n -es -S ale.vim listing1.js   (log: $TEST_LOG)
set nocompatible
set runtimepath^=/usr/share/vim-ale
filetype plugin on
let g:ale_enabled = 1
let g:ale_lint_on_enter = 1
let g:ale_set_loclist = 0
let g:ale_set_quickfix = 0
let g:ale_linters_explicit = 1
runtime plugin/ale.vim
" The editors/README.md snippet.
call ale#linter#Define('javascript', {
\   'name': 'flux-lsp',
\   'lsp': 'stdio',
\   'executable': $FLUX_LSP,
\   'command': '%e',
\   'project_root': {b -> fnamemodify(bufname(b), ':p:h')},
\})
let g:ale_linters = {'javascript': ['flux-lsp']}

let s:log = $TEST_LOG
call writefile([], s:log)
let s:failures = 0
function! s:Check(ok, msg) abort
  call writefile([(a:ok ? 'PASS ' : 'FAIL ') . a:msg], s:log, 'a')
  if !a:ok | let s:failures += 1 | endif
endfunction
try
  let s:buf = bufnr('')
  set filetype=javascript
  ALELint
  let s:deadline = reltimefloat(reltime()) + 20
  while empty(filter(ale#engine#GetLoclist(s:buf), 'get(v:val, "code", "") ==# "blocks-replication"')) && reltimefloat(reltime()) < s:deadline
    sleep 50m
  endwhile
  for s:i in ale#engine#GetLoclist(s:buf)
    call writefile([printf('  diag %d:%d %s [%s] %s', s:i.lnum, s:i.col, s:i.type, get(s:i, 'code', ''), s:i.text)], s:log, 'a')
  endfor
  call s:Check(!empty(filter(ale#engine#GetLoclist(s:buf), 'v:val.lnum == 8 && get(v:val, "code", "") ==# "blocks-replication"')),
  \ 'blocks-replication on line 8 in ALE')
catch
  call s:Check(0, 'exception: ' . v:exception)
endtry
call ale#lsp#StopAll()
call writefile([s:failures == 0 ? 'ALL OK' : s:failures . ' failure(s)'], s:log, 'a')
execute s:failures == 0 ? 'qall!' : 'cquit!'
