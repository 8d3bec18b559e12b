"""The planted actors' contacts, and the HTML blocks that show them in many spellings.

Each block style is one way spammers write a contact: a clean link, or a
spelling that simple filters miss (full-width characters, zero-width
characters inside the handle, ``t . me / x``, NBSP, a ``display:none`` block).

>>> "t.me/s/esimxufei66" in telegram_block("link")
True
>>> "esimxufei66" in telegram_block("zerowidth")
False
>>> fullwidth("TG@ab1")
'ＴＧ＠ａｂ１'
"""

from __future__ import annotations

from html import escape

__all__ = [
    "TG_HANDLE", "TG_IMAGE", "WA_NUMBER", "WA_DISPLAY", "WA_IMAGE",
    "USDT_HANDLES", "USDT_GA4", "USDT_GTM", "USDT_TRON", "USDT_ETH", "TOPUP_BAIDU",
    "fullwidth", "telegram_block", "whatsapp_block", "usdt_contacts", "usdt_wallet",
    "usdt_tracking_head", "topup_tracking_head",
]

# Actor 1: eSIM renewal on Telegram (the seeds' style). Made up: handle and image path.
TG_HANDLE = "esimxufei66"
TG_IMAGE = "https://i.postimg.cc/8kQzR3vW/Snipaste-2025-06-18-22-41-07.png"

# Actor 2: the same topic, on WhatsApp, with another image host.
WA_NUMBER = "85251736248"
WA_DISPLAY = "+852 5173 6248"
WA_IMAGE = "https://i.ibb.co/Vp3kLq9/esim-topup-hk.jpg"

# Actor 3: fake USDT investment; rotates WeChat and QQ contacts, keeps its trackers and wallets.
USDT_HANDLES: tuple[tuple[str, str], ...] = (
    ("wechat", "usdt_licai888"),
    ("wechat", "licai_bz2024"),
    ("qq", "2837461590"),
    ("wechat", "wenzhuan_u88"),
    ("qq", "1938475620"),
    ("wechat", "caifu_laoshi9"),
)
USDT_GA4 = "G-7QK2M9XW4T"
USDT_GTM = "GTM-K7P3QZ9"
USDT_TRON = "TCxEfqSrKTUoQhQTS4mzQtKwGqSKDgw9be"  # valid base58check, made up
USDT_ETH = "0xc93830644bdc2069e15df1cc70a8cb0b523fef11"

# Actor 4: eSIM top-up resellers tied only by one Baidu Tongji site id.
TOPUP_BAIDU = "522a32f4bf38047fc122efb3c59b4fd0"


def fullwidth(text: str) -> str:
    """ASCII letters, digits and ``@:+`` as their full-width forms."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _img(src: str) -> str:
    return f'<img src="{escape(src)}" alt="Image">'


def telegram_block(style: str) -> str:
    """The Telegram actor's closing block. Styles: ``link`` (the seeds' style),
    ``link_no_emoji`` (for GBK and Big5 pages), ``fullwidth``, ``zerowidth``, ``spaced``,
    ``nbsp``, ``hidden``, ``mixedcase``, ``variants`` (telegram.me and tg:// links)."""
    h, img = TG_HANDLE, _img(TG_IMAGE)
    if style == "link":
        return f'<p class="contact">[<a href="https://t.me/s/{h}">TG🚀+ @{h}</a> {img}]</p>'
    if style == "link_no_emoji":  # for GBK and Big5 pages
        return f'<p class="contact">[<a href="https://t.me/s/{h}">TG: @{h}</a> {img}]</p>'
    if style == "fullwidth":
        return f"<p>续费咨询{fullwidth('TG: @' + h)} {img}</p>"
    if style == "zerowidth":
        spelled = "\u200b".join((h[:4], h[4:7])) + "\u200d" + h[7:9] + "\u2060" + h[9:]
        return f"<p>续费客服 TG @{spelled}，备注“续费”优先处理。</p>"
    if style == "spaced":
        return f"<p>联系客服请打开 t . me / {h} ，或者在电报里搜索。</p>"
    if style == "nbsp":
        return f"<p>TG\u00a0@{h}\u00a0\u00a0{img}</p>"
    if style == "hidden":
        return ('<p>更多续费问题，欢迎咨询我们的客服。</p>'
                f'<div style="display:none">TG @{h} <a href="https://t.me/s/{h}">t.me/s/{h}</a></div>')
    if style == "mixedcase":
        mixed = h[0].upper() + h[1:4] + h[4].upper() + h[5:]
        return f'<p>[<a href="https://T.me/s/{mixed}">TG @{mixed}</a> {img}]</p>'
    if style == "variants":
        return (f'<p>电报客服：<a href="https://telegram.me/{h}">@{h}</a>，'
                f'手机用户可直接点 <a href="tg://resolve?domain={h}">打开电报</a> {img}</p>')
    raise ValueError(f"unknown telegram style {style!r}")


def whatsapp_block(style: str, *, hant: bool = False) -> str:
    """The WhatsApp actor's contact block. Styles: ``link`` (wa.me), ``api``
    (api.whatsapp.com), ``text`` (a number after a WhatsApp marker), ``fullwidth``."""
    img = _img(WA_IMAGE)
    label = "客服" if not hant else "客戶服務"
    if style == "link":
        return (f'<p>WhatsApp {label}：<a href="https://wa.me/{WA_NUMBER}">{WA_DISPLAY}</a></p>'
                f"<p>{img}</p>")
    if style == "api":
        return (f'<p><a href="https://api.whatsapp.com/send?phone={WA_NUMBER}&amp;text=eSIM">'
                f"WhatsApp 一键咨询</a></p><p>{img}</p>")
    if style == "text":
        return f"<p>WhatsApp：{WA_DISPLAY}（{label}）</p><p>{img}</p>"
    if style == "fullwidth":
        return f"<p>{fullwidth('WhatsApp: ' + WA_DISPLAY)}</p><p>{img}</p>"
    raise ValueError(f"unknown whatsapp style {style!r}")


def usdt_contacts(index: int) -> str:
    """Page ``index``'s two contacts: consecutive entries of the rotating handle list,
    each in a different spelling (微信, vx, V信, 加v, QQ, a wpa.qq.com link)."""
    out = []
    for k in (0, 1):
        j = (index + k) % len(USDT_HANDLES)
        platform, value = USDT_HANDLES[j]
        if platform == "wechat":
            marker = ("加微信：", "vx：", "V信 ", "加v：")[(index + k) % 4]
            out.append(f"<p>{marker}{value} （备注：理财）</p>")
        elif (index + k) % 2:
            out.append(f"<p>QQ：{value}</p>")
        else:
            out.append(f'<p><a href="http://wpa.qq.com/msgrd?v=3&amp;uin={value}&amp;site=qq'
                       f'&amp;menu=yes">QQ在线咨询</a></p>')
    return "\n".join(out)


def usdt_wallet(index: int) -> str:
    """The deposit wallet shown on some pages: TRON on odd pages, ETH on every fourth."""
    if index % 2:
        return f"<p>USDT（TRC20）官方收款地址：<code>{USDT_TRON}</code></p>"
    if index % 4 == 0:
        return f"<p>USDT（ERC20）收款地址：<code>{USDT_ETH}</code></p>"
    return ""


def usdt_tracking_head() -> str:
    """The USDT actor's Google tag and Tag Manager snippets."""
    return (
        f'<script async src="https://www.googletagmanager.com/gtag/js?id={USDT_GA4}"></script>\n'
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
        f"gtag('js',new Date());gtag('config','{USDT_GA4}');</script>\n"
        "<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
        "event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;"
        "j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);"
        f"}})(window,document,'script','dataLayer','{USDT_GTM}');</script>"
    )


def topup_tracking_head() -> str:
    """The top-up resellers' shared Baidu Tongji snippet."""
    return (
        "<script>var _hmt=_hmt||[];(function(){var hm=document.createElement('script');"
        f'hm.src="https://hm.baidu.com/hm.js?{TOPUP_BAIDU}";'
        "var s=document.getElementsByTagName('script')[0];s.parentNode.insertBefore(hm,s);})();"
        "</script>"
    )
