"""The Lambda entry points. Importing the package first installs the build's precompiled regular expressions
(pipewatch.regex_table; nothing without a table, as in a source tree), before any module compiles one, then
its lazy table (patterns unpacked only when first compiled: a function that reads documents), and, inside
Lambda, raises the garbage collector's threshold until the first invocation ends (startup.py)."""

from pipewatch import regex_table, startup

startup.begin()
regex_table.install()
regex_table.install_lazy()
