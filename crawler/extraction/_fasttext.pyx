# cython: language_level=3, boundscheck=False, wraparound=False
"""Character scans of extraction, compiled: the search for characters NFKC may
change (:mod:`crawler.extraction.text`), the windows around ASCII runs
(:mod:`crawler.extraction.artifacts`) and the anchors of
:func:`crawler.extraction.found.anchored`.

A regex that scans a str for a character class costs 5-10 ns a character;
these loops read the str's buffer directly, at about one. Each has a
pure-Python twin that runs when this module is not built;
``tests/test_text_compiled.py`` holds them to the same results.
"""

from cpython.unicode cimport PyUnicode_DATA, PyUnicode_Find, PyUnicode_KIND, PyUnicode_READ


def first_outside(str text, Py_ssize_t pos, bytes table):
    """The index of the first character at or after ``pos`` whose byte in
    ``table`` (one per BMP code point) is 0, or that is outside the BMP; -1 if none."""
    cdef const unsigned char* t = table
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t i, n = len(text)
    cdef Py_UCS4 c
    if len(table) != 0x10000:
        raise ValueError("table must have 65536 bytes")
    for i in range(max(pos, 0), n):
        c = PyUnicode_READ(kind, data, i)
        if c > 0xFFFF or not t[c]:
            return i
    return -1


def distinct_outside(str text, Py_ssize_t pos, bytes table):
    """The distinct characters at or after ``pos`` that :func:`first_outside` stops at."""
    cdef const unsigned char* t = table
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t i, n = len(text)
    cdef Py_UCS4 c
    cdef set found = set()
    if len(table) != 0x10000:
        raise ValueError("table must have 65536 bytes")
    for i in range(max(pos, 0), n):
        c = PyUnicode_READ(kind, data, i)
        if c > 0xFFFF or not t[c]:
            found.add(chr(c))
    return found


def ascii_window_spans(str text, Py_ssize_t min_run, Py_ssize_t before, Py_ssize_t after):
    """The spans ``[start, end)`` of the windows around runs of printable ASCII
    (at least ``min_run`` long once leading spaces are dropped): ``before``
    characters before a run, ``after`` after it, overlapping windows merged.
    ``end`` may pass the end of ``text``."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t i = 0, n = len(text), start, run_end, lo, hi
    cdef Py_ssize_t cur_lo = -1, cur_hi = -1
    cdef Py_UCS4 c
    cdef list spans = []
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        if c < 0x20 or c > 0x7E:
            i += 1
            continue
        start = i
        while i < n:
            c = PyUnicode_READ(kind, data, i)
            if c < 0x20 or c > 0x7E:
                break
            i += 1
        run_end = i
        if run_end - start < min_run:
            continue
        while start < run_end and PyUnicode_READ(kind, data, start) == 0x20:
            start += 1
        if run_end - start < min_run:
            continue
        lo, hi = start - before, run_end + after
        if cur_hi >= 0 and lo <= cur_hi:
            cur_hi = hi
        else:
            if cur_hi >= 0:
                spans.append((cur_lo, cur_hi))
            cur_lo, cur_hi = max(0, lo), hi
    if cur_hi >= 0:
        spans.append((cur_lo, cur_hi))
    return spans


def anchor_hits(str low, tuple anchors):
    """The start of every occurrence of every anchor in ``low``, sorted (an
    anchor found by two of the anchors is there twice)."""
    cdef list hits = []
    cdef Py_ssize_t n = len(low), i
    for anchor in anchors:
        i = PyUnicode_Find(low, anchor, 0, n, 1)
        while i >= 0:
            hits.append(i)
            i = PyUnicode_Find(low, anchor, i + 1, n, 1)
        if i == -2:
            raise ValueError("bad anchor")
    hits.sort()
    return hits
