"""Support code of MovieLens-Lite: what makes the series work, not what it teaches.

The math lives in ``mlite_helpers.py``; this package holds the rest, one concern per
module. Notebooks never import it directly: ``mh.<name>`` finds each name here.

=============  ==========================================================================
module         what it holds
=============  ==========================================================================
validate       argument checks and their messages (name, problem, fix)
movielens      the MovieLens download, SHA-256 verification, cache and loader
plots          palette, style, text tables, ax-in/ax-out plots
explorers      the slider explorers; every slider's values as constants at the top
exercises      the exercise checkers and their typical mistakes
versions       the library-version report of the setup cells
spark          the local Spark session of notebook 07 and its install hint
=============  ==========================================================================
"""
