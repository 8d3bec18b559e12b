"""Build the optional compiled walk (crawler/extraction/_fastwalk.pyx); all else is in pyproject.toml.

Without a C compiler the extension is skipped and Cobweb uses the same walk
in pure Python (crawler/extraction/walk.py), several times slower.
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
            )
        ],
        compiler_directives={"language_level": 3},
        quiet=True,
    )
)
