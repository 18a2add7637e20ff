#!/usr/bin/env python3
"""Writes a JS file of about SIZE bytes made of one small HTTP server repeated
(names suffixed per copy), to measure how analysis time grows with file size.

    scripts/repeat-server.py 1M > /tmp/server-1m.js
"""
import sys

UNIT = """const http{i} = require('http');
const sessions{i} = new Map();
let hits{i} = 0;
const cache{i} = {{}};
function remember{i}(key, value) {{ cache{i}[key] = value; }}
const server{i} = http{i}.createServer((req, res) => {{
  hits{i} += 1;
  const id = req.headers['x-session'];
  sessions{i}.set(id, {{ at: Date.now(), url: req.url }});
  remember{i}(req.url, hits{i});
  setTimeout(() => {{ sessions{i}.delete(id); }}, 1000);
  res.end(JSON.stringify({{ hits: hits{i}, size: sessions{i}.size }}));
}});
server{i}.on('close', () => {{ sessions{i}.clear(); }});
server{i}.listen(3000 + {i});
"""


def parse_size(text):
    mult = {"K": 1_000, "M": 1_000_000}.get(text[-1].upper(), 1)
    return int(float(text.rstrip("kKmM")) * mult)


def main():
    target = parse_size(sys.argv[1])
    out, size, i = [], 0, 0
    while size < target:
        unit = UNIT.format(i=i)
        out.append(unit)
        size += len(unit)
        i += 1
    sys.stdout.write("".join(out))


main()
