;;; eglot.el --- Emacs + eglot with flux-lsp on listing 1  -*- lexical-binding: t -*-
;; Emacs 28 (Debian emacs-nox + elpa-eglot 1.9) or >= 29 (built-in eglot).
;; Env: FLUX_LSP (binary), JS_FILE (a copy of listing 1). Exits 0 on success, 1 on failure.
(when (< emacs-major-version 29)        ; activate Debian's elpa-eglot (+ project, xref, seq)
  (setq package-directory-list (list "/usr/share/emacs/site-lisp/elpa"))
  (package-initialize))
(require 'eglot)
(require 'flymake)
(require 'js)

(defvar my-failures 0)
(defun my-check (ok msg)
  (princ (format "%s %s\n" (if ok "PASS" "FAIL") msg))
  (unless ok (setq my-failures (1+ my-failures))))
(defun my-wait (pred secs)
  "Pump process output and timers until PRED is non-nil or SECS elapse."
  (let ((deadline (+ (float-time) secs)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))
(defun my-blocking ()
  (seq-filter (lambda (d) (string-match-p "blocks-replication" (flymake-diagnostic-text d)))
              (flymake-diagnostics)))

(condition-case err
    (let ((eglot-sync-connect t)
          (eglot-connect-timeout 20))
      ;; The editors/README.md snippet: flux-lsp for JavaScript buffers.
      (add-to-list 'eglot-server-programs `(js-mode . (,(getenv "FLUX_LSP"))))
      (find-file (getenv "JS_FILE"))
      (js-mode)
      (apply #'eglot (eglot--guess-contact))
      (my-check (eglot-current-server) "eglot connected to flux-lsp")
      (flymake-start)
      (my-check (my-wait #'my-blocking 20) "blocks-replication diagnostic in flymake")
      (dolist (d (flymake-diagnostics))
        (princ (format "  diag line %d %s: %s\n" (line-number-at-pos (flymake-diagnostic-beg d))
                       (flymake-diagnostic-type d) (flymake-diagnostic-text d))))
      (let ((d (car (my-blocking))))
        (my-check (and d (= 8 (line-number-at-pos (flymake-diagnostic-beg d)))
                       (string= "count" (buffer-substring (flymake-diagnostic-beg d)
                                                          (+ 5 (flymake-diagnostic-beg d)))))
                  "the finding is on `count += 1` (line 8)")
        ;; The quick fix, through eglot's own code-action path (as M-x eglot-code-actions does).
        (let* ((server (eglot-current-server))
               (actions (jsonrpc-request
                         server :textDocument/codeAction
                         (list :textDocument (eglot--TextDocumentIdentifier)
                               :range (list :start (eglot--pos-to-lsp-position (flymake-diagnostic-beg d))
                                            :end (eglot--pos-to-lsp-position (flymake-diagnostic-end d)))
                               :context (list :diagnostics
                                              (vconcat (list (cdr (assoc 'eglot-lsp-diag
                                                                         (flymake-diagnostic-data d)))))
                                              :only ["quickfix"]))))
               (action (seq-find (lambda (a)
                                   (and (string-prefix-p "quickfix" (or (plist-get a :kind) ""))
                                        (string-match-p "blocks-replication\\|count" (plist-get a :title))))
                                 actions)))
          (mapc (lambda (a) (princ (format "  action: %s (%s)\n" (plist-get a :title) (plist-get a :kind)))) actions)
          (my-check action "a quickfix for the finding")
          (when action
            ;; What M-x eglot-code-actions does with the chosen action (eglot 1.9 has no eglot-execute).
            (if (fboundp 'eglot-execute)
                (eglot-execute server action)
              (when (plist-get action :edit) (eglot--apply-workspace-edit (plist-get action :edit)))
              (when (plist-get action :command)
                (let ((c (plist-get action :command)))
                  (eglot-execute-command server (plist-get c :command) (plist-get c :arguments)))))
            (princ (format "  new text:\n%s" (buffer-string)))
            (when (string-prefix-p "Suppress" (plist-get action :title))
              (goto-char (point-min)) (forward-line 7)
              (my-check (looking-at "    // flux-ignore-next-line blocks-replication: \n    count \\+= 1;")
                        "suppression comment inserted above `count += 1`")
              (end-of-line) (insert "one replica in this deployment"))
            ;; eglot sends didChange from an idle timer, which batch mode never runs: send it now.
            (eglot--signal-textDocument/didChange)
            (my-check (my-wait (lambda () (null (my-blocking))) 15)
                      "the finding is gone after the fix"))))
      (eglot-shutdown (eglot-current-server)))
  (error (princ (format "ERROR %S\n" err)) (setq my-failures (1+ my-failures))))
(princ (if (= my-failures 0) "ALL OK\n" (format "%d failure(s)\n" my-failures)))
(kill-emacs (if (= my-failures 0) 0 1))
