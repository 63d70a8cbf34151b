;;; smoke.el --- Emacs + Eglot as the LSP client of taskls  -*- lexical-binding: t; -*-

;; Smoke test through editors/emacs/taskls.el, on examples/.  Run by
;; editors/emacs/test.sh:
;;
;;   emacs --batch -q -l editors/emacs/test/smoke.el
;;
;; Environment: TASKLS_REPO (repository root), TASKLS_RESULT (file for one
;; line per check).  `taskls' must be on PATH.  Exits 0 when every check
;; passed, 1 when one failed, 3 on the watchdog's time-out.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defvar smoke-repo (file-name-as-directory (getenv "TASKLS_REPO")))
(defvar smoke-examples (expand-file-name "examples/" smoke-repo))
(defvar smoke-result (getenv "TASKLS_RESULT"))
(defvar smoke-lines nil)
(defvar smoke-failed 0)
(defvar smoke-label (format "emacs %s + eglot" emacs-version))

(defun smoke-write ()
  (with-temp-file smoke-result
    (insert (string-join (reverse smoke-lines) "\n") "\n")))

(defun smoke-record (ok name &optional detail)
  (push (format "%s - %s %s" (if ok "ok" "not ok") smoke-label name) smoke-lines)
  (unless ok
    (cl-incf smoke-failed)
    (dolist (l (split-string (format "%s" detail) "\n"))
      (push (concat "    " l) smoke-lines)))
  (smoke-write))

(defmacro smoke-check (name &rest body)
  "Run BODY as the check NAME; an error fails it."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body (smoke-record t ,name) t)
     (error (smoke-record nil ,name (error-message-string err)) nil)))

(defun smoke-wait-for (seconds what pred)
  "Process events until PRED is non-nil; fail after SECONDS."
  (let ((deadline (+ (float-time) seconds)))
    (while (not (funcall pred))
      (when (> (float-time) deadline)
        (error "Timed out after %s s waiting for %s" seconds what))
      (accept-process-output nil 0.05))))

(defun smoke-eq (got want what)
  (unless (equal got want)
    (error "%s: got %S, want %S" what got want)))

(defun smoke-finish ()
  (push (format "# %s: %d passed, %d failed" smoke-label
                (cl-count-if (lambda (l) (string-prefix-p "ok " l)) smoke-lines)
                smoke-failed)
        smoke-lines)
  (smoke-write)
  (ignore-errors
    (dolist (s (apply #'append (hash-table-values eglot--servers-by-project)))
      (eglot-shutdown s)))
  (kill-emacs (if (> smoke-failed 0) 1 0)))

(run-at-time 60 nil (lambda ()
                      (smoke-record nil "watchdog" "the run took longer than 60 s")
                      (kill-emacs 3)))

(defun smoke-open (relative)
  "Visit RELATIVE (to examples/), as \\[find-file] would, and return its buffer."
  (let ((buf (find-file-noselect (expand-file-name relative smoke-examples))))
    (switch-to-buffer buf)
    ;; what the command loop and redisplay do next, which batch mode skips:
    ;; Eglot connects and Flymake starts from these hooks
    (run-hooks 'post-command-hook)
    (run-hooks 'window-configuration-change-hook)
    buf))

(defun smoke-locate (anchor token)
  "Move point to TOKEN on the first line at or after the line holding ANCHOR."
  (goto-char (point-min))
  (unless (search-forward anchor nil t)
    (error "No %S in %s" anchor (buffer-name)))
  (beginning-of-line)
  (unless (search-forward token nil t)
    (error "No %S after %S" token anchor))
  (goto-char (match-beginning 0)))


(defun smoke-flymake-texts ()
  (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))

;;; Set-up, as an init file would do it.

(unless (smoke-check "set-up"
          (setq eglot-sync-connect 5)
          (require 'markdown-mode)
          (load (expand-file-name "editors/emacs/taskls.el" smoke-repo) nil t)
          (setq taskls-settings '(:taskls (:checks (:cycle "hint"))))
          (add-hook 'markdown-mode-hook #'taskls-eglot-ensure))
  (smoke-finish))

;;; Checks

(smoke-check "first task file: Eglot starts taskls, rooted at the folder that holds .tasks/"
  (smoke-open ".tasks/tasks/T007-asset-fingerprints.yaml")
  (smoke-eq major-mode 'markdown-mode "major mode of T007-asset-fingerprints.yaml")
  ;; markdown-mode-hook ran taskls-eglot-ensure; smoke-open ran post-command-hook
  (smoke-wait-for 15 "Eglot to manage the buffer" (lambda () (bound-and-true-p eglot--managed-mode)))
  (let ((server (eglot-current-server)))
    (unless server (error "No Eglot server for the buffer"))
    (smoke-eq (project-root (eglot--project server)) smoke-examples "project root")
    (smoke-eq (car (process-command (jsonrpc--process server))) "taskls" "server command")))

(smoke-check "settings reach the server (taskls-settings cycle = hint: a note, not an error)"
  (smoke-wait-for 15 "the T007 cycle diagnostic from flymake, as a note"
                  (lambda ()
                    (cl-some (lambda (d)
                               (and (string-match-p "\\[cycle\\]" (flymake-diagnostic-text d))
                                    (eq (flymake-diagnostic-type d) 'eglot-note)))
                             (flymake-diagnostics)))))

(smoke-check "diagnostic: unknown task ID T099 in T010-sitemap.md (flymake), opened second"
  (smoke-open ".tasks/tasks/T010-sitemap.md")
  (smoke-wait-for 10 "Eglot to manage T010-sitemap.md" (lambda () (bound-and-true-p eglot--managed-mode)))
  (let ((want "unknown task ID T099 (did you mean T009?)"))
    (condition-case err
        (smoke-wait-for 10 "the unknown-id diagnostic from flymake"
                        (lambda () (cl-some (lambda (s) (string-suffix-p want s)) (smoke-flymake-texts))))
      (error (error "%s; flymake has in T010: %S" (error-message-string err) (smoke-flymake-texts))))
    (let ((d (cl-find-if (lambda (d) (string-suffix-p want (flymake-diagnostic-text d))) (flymake-diagnostics))))
      (smoke-eq (flymake-diagnostic-text d) (concat "taskls [unknown-id]: " want) "text")
      (smoke-eq (flymake-diagnostic-type d) 'eglot-error "type")
      (smoke-locate "dependencies: [T004, T099]" "T099")
      (smoke-eq (flymake-diagnostic-beg d) (point) "start")
      (smoke-eq (flymake-diagnostic-end d) (+ (point) 4) "end"))))

(smoke-check "hover on a dependency ID shows its criteria progress (textDocument/hover, and eldoc)"
  (smoke-open ".tasks/tasks/T007-asset-fingerprints.yaml")
  (smoke-locate "dependencies: [T005, T008]" "T005")
  (forward-char 1)
  (let* ((server (eglot-current-server))
         (hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)
                                 :timeout 10))
         (value (plist-get (plist-get hover :contents) :value)))
    (unless (and value (string-match-p "7/12 done" value))
      (error "textDocument/hover answered %S" hover))
    ;; what eldoc shows
    (let (shown)
      (eglot-hover-eldoc-function (lambda (info &rest _) (setq shown (or info 'nothing))))
      (smoke-wait-for 10 "Eglot's eldoc hover" (lambda () shown))
      (unless (and (stringp shown) (string-match-p "7/12 done" shown) (string-match-p "T005" shown))
        (error "eldoc got %S" shown)))))

(smoke-check "no server outside .tasks/ (examples/README.md)"
  (smoke-open "README.md")
  (smoke-eq major-mode 'markdown-mode "major mode of examples/README.md")
  (smoke-eq (taskls-root buffer-file-name) nil "taskls-root")
  (accept-process-output nil 0.3)
  (smoke-eq (bound-and-true-p eglot--managed-mode) nil "Eglot manages examples/README.md")
  (smoke-eq (length (apply #'append (hash-table-values eglot--servers-by-project))) 1 "Eglot servers"))

(smoke-check "a pure YAML task file keeps its mode (not markdown-mode)"
  (smoke-open ".tasks/tasks/T011-search-index.yaml")
  (when (eq major-mode 'markdown-mode)
    (error "T011-search-index.yaml opened in markdown-mode")))

(smoke-finish)
;;; smoke.el ends here
