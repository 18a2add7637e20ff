; Candidate rupture points: calls whose arguments may hold a callback, and
; every `await`. The catalog (queries/catalog/*.json) decides which callees
; are asynchronous; these patterns only find the shapes.

(call_expression
  function: (_) @callee
  arguments: (arguments) @arguments) @call

(new_expression
  constructor: (_) @callee
  arguments: (arguments) @arguments) @call

(await_expression) @await
