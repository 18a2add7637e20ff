" The fluxional language as flux-lsp prints it: `flx NAME & TAGS {CTX}` headers and
" `>> DEST [MSG]` / `-> DEST [MSG]` stream lines over the fluxion's JavaScript.
if exists('b:current_syntax') | finish | endif
runtime! syntax/javascript.vim
unlet! b:current_syntax
syntax match fluxHeader /^\s*flx\>.*$/ contains=fluxKeyword,fluxName,fluxTag,fluxContext
syntax keyword fluxKeyword flx contained
syntax match fluxName /\(flx\s\+\)\@<=[A-Za-z_$][A-Za-z0-9_$]*/ contained
syntax match fluxTag /&\s*[A-Za-z_$][A-Za-z0-9_$]*/ contained
syntax match fluxContext /{[^}]*}/ contained
syntax match fluxStream /^\s*\(>>\|->\)\s*[A-Za-z_$]*\s*\(\[[^\]]*\]\)\?/ contains=fluxArrow,fluxMessage
syntax match fluxArrow />>\|->/ contained
syntax match fluxMessage /\[[^\]]*\]/ contained
highlight default link fluxKeyword Keyword
highlight default link fluxName Function
highlight default link fluxTag Type
highlight default link fluxContext Identifier
highlight default link fluxArrow Operator
highlight default link fluxMessage String
let b:current_syntax = 'flux'
