# cython: language_level=3, boundscheck=False, wraparound=False
"""The walk of :mod:`crawler.extraction.walk`, compiled: the same results, several times faster.

It reads libxml2's tree through lxml's public C API instead of creating a
Python proxy for every element, reads the commonest attributes (``href``,
``class``, ``style``, ``id`` and those never scanned) as C strings, and
builds the page text itself instead of editing tails and serializing.
Everything off this fast path (scripts, style sheets, ``<base>``, the title,
elements with attributes worth reading or that may hide them) goes to the
same Python code as the pure-Python walk, through a proxy element.
``tests/test_walk_compiled.py`` holds the two walks to the same results.
"""

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdlib cimport free, realloc
from libc.string cimport memcpy, strcmp, strcpy, strlen, strncmp, strstr

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree

cetree.import_lxml__etree()

from .walk import ATTR_ROLES, BLOCK_TAGS, RAW_TAGS, Walk, has_class

# Tag kinds.
cdef enum:
    K_OTHER = 0
    K_BLOCK = 1
    K_RAW = 2
    K_LINK = 3  # a, area

# Attribute roles on the fast path.
cdef enum:
    R_SLOW = 0
    R_SKIP = 1
    R_HREF = 2
    R_CLASS = 3
    R_STYLE = 4
    R_ID = 5


cdef struct Buf:
    char* data
    Py_ssize_t size
    Py_ssize_t cap


cdef int buf_add(Buf* b, const char* s, Py_ssize_t n) except -1:
    cdef Py_ssize_t cap
    cdef char* grown
    if b.size + n > b.cap:
        cap = max(b.cap * 2, b.size + n, 4096)
        grown = <char*>realloc(b.data, cap)
        if grown == NULL:
            raise MemoryError()
        b.data = grown
        b.cap = cap
    memcpy(b.data + b.size, s, n)
    b.size += n
    return 0


cdef str buf_str(Buf* b):
    return PyUnicode_DecodeUTF8(b.data, b.size, "replace") if b.size else ""


cdef inline bint _ci_has(const char* s, const char* word) noexcept:
    """Whether ASCII ``word`` (lower-case) occurs in ``s``, ignoring ASCII case."""
    cdef Py_ssize_t i = 0, k
    cdef char c
    while s[i]:
        k = 0
        while word[k]:
            c = s[i + k]
            if c >= 65 and c <= 90:
                c += 32
            if c != word[k]:
                break
            k += 1
        if not word[k]:
            return True
        i += 1
    return False


cdef inline const char* _attr_value(tree.xmlAttr* attr) noexcept:
    """The value of an attribute held in one text node, ``""`` if none; NULL otherwise."""
    cdef tree.xmlNode* child = attr.children
    if child == NULL:
        return ""
    if child.next != NULL or child.type != tree.XML_TEXT_NODE or child.content == NULL:
        return NULL
    return <const char*>child.content


cdef bint _may_have_class(const char* value, list classes):
    """False when no name in ``classes`` (UTF-8 bytes) occurs in ``value``: then it has none of them."""
    cdef bytes c
    for c in classes:
        if strstr(value, c) != NULL:
            return True
    return False


cdef enum:
    PLAIN_NO = 0
    PLAIN_PATH = 1  # /path: the origin, then the path
    PLAIN_ABSOLUTE = 2  # http(s)://...: as it is


cdef int _plain_link(const char* s) noexcept:
    """What :func:`crawler.extraction.page_urls.plain_url` makes of ``s``, for
    printable ASCII without ``#``; PLAIN_NO for anything else (the Python path)."""
    cdef Py_ssize_t i = 0
    cdef unsigned char c
    cdef bint odd = False  # "/." or a backslash
    while s[i]:
        c = <unsigned char>s[i]
        if c <= 0x20 or c >= 0x7F or c == 35:  # control, space, non-ASCII, "#"
            return PLAIN_NO
        if c == 92 or (c == 46 and i > 0 and s[i - 1] == 47):
            odd = True
        i += 1
    if s[0] == 47:  # "/"
        return PLAIN_PATH if s[1] != 47 and not odd else PLAIN_NO
    if strncmp(s, "http://", 7) == 0 or strncmp(s, "https://", 8) == 0:
        return PLAIN_ABSOLUTE
    return PLAIN_NO


cdef inline str _utf8(const char* s):
    return PyUnicode_DecodeUTF8(s, strlen(s), "replace")


# What a tag or attribute name means, cached by the name in a small table
# (hash of the name, then compared). Names longer than NAME_MAX are not cached.
cdef enum:
    SLOTS = 256
    NAME_MAX = 23

cdef struct Slot:
    int code
    char name[NAME_MAX + 1]

cdef Slot _tag_slots[SLOTS]
cdef Slot _attr_slots[SLOTS]


cdef inline int _code(Slot* slots, const char* name, bint is_tag) except -1:
    cdef unsigned int h = 2166136261u
    cdef Py_ssize_t i = 0
    while name[i] and i <= NAME_MAX:
        h = (h ^ <unsigned char>name[i]) * 16777619u
        i += 1
    cdef Slot* slot = &slots[h % SLOTS]
    if slot.name[0] and strcmp(slot.name, name) == 0:
        return slot.code
    code = _tag_kind(_utf8(name)) if is_tag else _attr_role(_utf8(name))
    if i <= NAME_MAX:
        strcpy(slot.name, name)
        slot.code = code
    return code


cdef int _tag_kind(str tag):
    if tag in BLOCK_TAGS:
        return K_BLOCK
    if tag in RAW_TAGS:
        return K_RAW
    if tag == "a" or tag == "area":
        return K_LINK
    return K_OTHER


cdef int _attr_role(str name):
    role = ATTR_ROLES.get(name)
    if role == "skip":
        return R_SKIP
    if role == "href":
        return R_HREF
    if role == "class":
        return R_CLASS
    if role == "style":
        return R_STYLE
    if role == "id":
        return R_ID
    return R_SLOW


def walk_tree(cetree._Element root, col, str url):
    """See :func:`crawler.extraction.walk.walk_tree`."""
    cdef Buf visible, hidden_buf
    visible.data = NULL; visible.size = 0; visible.cap = 0
    hidden_buf.data = NULL; hidden_buf.size = 0; hidden_buf.cap = 0
    try:
        return _walk(root, col, url, &visible, &hidden_buf)
    finally:
        free(visible.data)
        free(hidden_buf.data)


cdef object _walk(cetree._Element root, col, str url, Buf* visible, Buf* hidden_buf):
    cdef tree.xmlNode* top = root._c_node
    cdef tree.xmlNode* n = top
    cdef tree.xmlNode* hidden_root = NULL
    cdef tree.xmlAttr* attr
    cdef const char* value
    cdef const char* href
    cdef Buf* out = visible
    cdef int kind, role, plain
    cdef bint hidden = False, slow, descend, first_hidden = True
    cdef cetree._Document doc = root._doc
    w = Walk()
    cdef set hide_classes = w.hide_classes, hide_ids = w.hide_ids
    cdef list hide_class_names = []  # hide_classes as UTF-8, rebuilt when a style sheet adds some
    cdef list hrefs = col.hrefs
    add_ref, element = col.add_ref, col.element
    origin = col.origin
    while n != NULL:
        descend = True
        if n.type == tree.XML_ELEMENT_NODE:
            if n.ns == NULL:
                kind = _code(_tag_slots, <const char*>n.name, True)
                tag = None  # decoded when needed
            else:  # not from the HTML parser: the generic path
                kind = K_OTHER
                tag = cetree.elementFactory(doc, n).tag
            if kind == K_RAW:
                if tag is None:
                    tag = _utf8(<const char*>n.name)
                w.raw(cetree.elementFactory(doc, n), tag, col, url)
                origin = col.origin
                descend = False  # the raw element's text is out of the page text
            elif kind == K_BLOCK and strcmp(<const char*>n.name, "title") == 0 and not w.title:
                w.title = cetree.elementFactory(doc, n).text or ""
            # Attributes: the fast path, or the collector's.
            slow = False
            href = NULL
            attr = n.properties
            while attr != NULL:
                if attr.ns != NULL:
                    slow = True
                    break
                value = _attr_value(attr)
                if value == NULL:
                    slow = True
                    break
                role = _code(_attr_slots, <const char*>attr.name, False)
                if role == R_SKIP:
                    pass
                elif role == R_HREF:
                    href = value
                elif role == R_CLASS:
                    if len(hide_class_names) != len(hide_classes):
                        hide_class_names = [c.encode("utf-8", "replace") for c in hide_classes]
                    if (
                        hide_class_names and _may_have_class(value, hide_class_names)
                        and has_class(_utf8(value), hide_classes)
                    ):
                        slow = True
                        break
                elif role == R_STYLE:
                    if _ci_has(value, b"none") or _ci_has(value, b"hidden") or _ci_has(value, b"url("):
                        slow = True
                        break
                elif role == R_ID:
                    if hide_ids and _utf8(value) in hide_ids:
                        slow = True
                        break
                else:
                    slow = True
                    break
                attr = attr.next
            if slow:
                if tag is None:
                    tag = _utf8(<const char*>n.name)
                el = cetree.elementFactory(doc, n)
                if element(tag, el.items(), hidden, hide_classes, hide_ids) and not hidden:
                    hidden = True
                    hidden_root = n
                    w.any_hidden = True
                    if n != top:
                        out = hidden_buf
                        if not first_hidden:
                            buf_add(out, "\n", 1)
                        first_hidden = False
            elif href != NULL and kind == K_LINK:
                plain = PLAIN_NO if hidden else _plain_link(href)
                if plain == PLAIN_PATH and origin:
                    hrefs.append(origin + _utf8(href))
                elif plain == PLAIN_ABSOLUTE:
                    hrefs.append(_utf8(href))
                else:
                    add_ref("link", _utf8(href), "href", hidden)
            if descend and n.children != NULL:
                n = n.children
                continue
            # A leaf element: leave it at once.
            if n == hidden_root:
                hidden = False
                hidden_root = NULL
                out = visible
            if kind == K_BLOCK:
                buf_add(out, "\n", 1)
        elif n.type == tree.XML_TEXT_NODE or n.type == tree.XML_CDATA_SECTION_NODE:
            if n.content != NULL:
                buf_add(out, <const char*>n.content, strlen(<const char*>n.content))
        # Next node: the next sibling, or leave parents until one has a next sibling.
        while True:
            if n == top:
                n = NULL
                break
            if n.next != NULL:
                n = n.next
                break
            n = n.parent
            if n == hidden_root:
                hidden = False
                hidden_root = NULL
                out = visible
            if n.ns == NULL and _code(_tag_slots, <const char*>n.name, True) == K_BLOCK:
                buf_add(out, "\n", 1)
    w.text = buf_str(visible)
    w.hidden_text = buf_str(hidden_buf)
    return w
