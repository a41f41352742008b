"""The Lambda entry points. Importing the package first installs the build's precompiled regular expressions
(pipewatch.regex_table; nothing without a table, as in a source tree), before any module compiles one."""

from pipewatch import regex_table

regex_table.install()
