"""Build the optional compiled parts of extraction; all else is in pyproject.toml.

- crawler/extraction/_fastwalk.pyx: the walk over a parsed page (twin: walk.py)
- crawler/extraction/_fasttext.pyx: character scans of text normalization and
  artifact extraction (twins in text.py and artifacts.py)

Without a C compiler they are skipped and Cobweb runs the pure-Python twins:
the same results, extraction a fifth slower.
"""

import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [
            Extension(
                "crawler.extraction._fastwalk",
                ["crawler/extraction/_fastwalk.pyx"],
                include_dirs=lxml.get_include(),
                optional=True,
            ),
            Extension("crawler.extraction._fasttext", ["crawler/extraction/_fasttext.pyx"], optional=True),
        ],
        compiler_directives={"language_level": 3},
        quiet=True,
    )
)
