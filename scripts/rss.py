#!/usr/bin/env python3
"""Peak RSS of the language server with 1,000 open documents (the binary,
real pipes): opens 1,000 generated Express modules, waits for the
diagnostics of each, prints VmHWM. Reports; asserts nothing.
Usage: scripts/rss.py [path/to/flux-lsp] (same as tests/resources.rs)."""
import json, os, subprocess, sys

FILES = 1000
binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/flux-lsp"
p = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

def send(m):
    b = json.dumps(m).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
    p.stdin.flush()

def recv():
    n = 0
    while True:
        line = p.stdout.readline()
        assert line, "server closed stdout"
        line = line.strip()
        if not line:
            break
        if line.startswith(b"Content-Length: "):
            n = int(line[16:])
    return json.loads(p.stdout.read(n))

def vm(key):
    for line in open(f"/proc/{p.pid}/status"):
        if line.startswith(key):
            return line.split(":", 1)[1].strip()

def source(i):
    return (f"const express = require('express');\nconst router = express.Router();\nlet hits{i} = 0;\n"
            f"const cache = new Map();\nrouter.get('/r{i}', async (req, res) => {{\n  hits{i} += 1;\n"
            f"  const v = await fetch('/x/{i}');\n  cache.set(req.query.k, v);\n  res.send(String(hits{i}));\n}});\n"
            f"setInterval(() => cache.clear(), 1000);\nmodule.exports = router;\n")

send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}})
while recv().get("id") != 1:
    pass
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
idle = vm("VmRSS")
total = 0
for i in range(FILES):
    text = source(i)
    total += len(text)
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": f"file:///tmp/flux-rss/src/r{i}.js", "languageId": "javascript", "version": 1, "text": text}}})
seen = set()
while len(seen) < FILES:
    m = recv()
    if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == 1:
        seen.add(m["params"]["uri"])
print(f"{FILES} open documents ({total} bytes): VmHWM {vm('VmHWM')}, VmRSS {vm('VmRSS')}, idle {idle}")
send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
send({"jsonrpc": "2.0", "method": "exit"})
p.wait(timeout=60)
