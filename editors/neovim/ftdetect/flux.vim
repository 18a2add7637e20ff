" Files in the paper's fluxional language (flux-lsp fluxions FILE > FILE.flx).
autocmd BufNewFile,BufRead *.flx setfiletype flux
