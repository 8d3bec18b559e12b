"""Extraction throughput: the full extractor against lxml parsing alone, in one run.

Generates a few MB of synthetic spam-style pages: Chinese how-to articles with
contact lines (some obfuscated or hidden), images and tracking scripts, inside a
blog theme like the hijacked sites these campaigns post on (head with meta
tags, inline CSS and JSON-LD, navigation, sidebar, tag cloud, footer; 40-60 KB
a page), a quarter of them GBK-encoded. Then it measures MB/s of HTML bytes through

* lxml alone: ``lxml.html.fromstring(body)``
* the full extractor: ``decode_html`` + ``parse_page`` + ``extract_artifacts``

and prints both rates and their ratio (target: ratio >= 0.25). In each round
the two take turns page by page, and the figure is the median over rounds of
the round's ratio (see :func:`paired_rounds`). Timings are CPU time; compare
ratios, not absolute figures, between machines. The output says which compiled
parts of extraction (``crawler/extraction/*.pyx``, built by ``pip install``) ran;
without them their pure-Python twins do.

    .venv/bin/python bench/bench_extraction.py [--mb 4] [--rounds 7] [--profile] [--pages DIR]
    .venv/bin/python bench/bench_extraction.py --pathological

``--pages DIR`` measures on saved pages instead (every file under DIR).
``--pathological`` prints instead the extraction time of 1, 2, 4 and 8 MB
pathological pages (runs of digits, phone-like text, lists of numbers, words
glued to numbers, e-mail-like text, nesting 100,000 deep: what a hostile site
sends) and the time per MB of each relative to the 1 MB page: linear
extraction keeps it near 1.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import pstats
import random
import statistics
import time
from pathlib import Path

import lxml.html

from crawler.extraction import decode_html, extract_artifacts, parse_page

# Synthetic vocabulary in the style of the campaign pages (our own text).
TOPICS = ["LEB卡", "eSIM卡", "香港电话卡", "海外流量卡", "虚拟号码", "境外手机卡"]
OPENERS = [
    "很多朋友在出国之前都会问{t}到底怎么充值",
    "今天我们来聊一聊{t}的开通和续费方法",
    "如果你经常往返各地，{t}可能是最省心的选择",
    "不少读者留言说{t}的套餐看不懂",
]
SENTENCES = [
    "整个过程只需要几分钟，按照提示一步一步操作即可。",
    "建议在余额不足之前提前办理，以免影响正常使用。",
    "套餐分为按天计费和按月计费两种，可以根据出行时间灵活选择。",
    "付款方式包括银行卡、电子钱包以及部分第三方平台。",
    "如果遇到页面打不开的情况，可以稍后再试或者更换网络。",
    "办理完成后系统会发送确认短信，请注意查收。",
    "有效期结束前七天会收到提醒，记得及时处理。",
    "对于长期在外的用户，选择包年方案往往更加划算。",
    "激活之后记得在设置中打开数据漫游选项。",
    "不同地区的信号覆盖略有差异，出发前最好先查询一下。",
]
HEADINGS = ["第一步：准备资料", "第二步：选择套餐", "第三步：完成支付", "常见问题解答", "使用小技巧"]
CONTACTS = [
    '<p>[<a href="https://t.me/s/{h}">TG💪+ @{h}</a>]</p>',
    "<p>咨询请加飞机：@{h}</p>",
    "<p>ＴＧ：＠{h}</p>",
    '<p>联系方式：t . me / {h}</p>',
    '<p>微信：{w}　QQ：{q}</p>',
    '<div style="display:none">V❤信 {w}</div>',
    '<p>WhatsApp: <a href="https://wa.me/{p}">+{p}</a></p>',
    '<p>客服邮箱 {w}[at]example.com</p>',
]
TRACKERS = [
    "<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}"
    "gtag('js', new Date());gtag('config', 'G-{g}');</script>",
    '<script>var _hmt=_hmt||[];(function(){{var hm=document.createElement("script");'
    'hm.src="https://hm.baidu.com/hm.js?{b}";var s=document.getElementsByTagName("script")[0];'
    "s.parentNode.insertBefore(hm,s);}})();</script>",
    '<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-{a}"></script>',
]
HANDLES = ["esim_helper", "leb_service", "kaban8899", "sim_master01", "roam_desk"]


THEME_CSS = "".join(
    f".site-{n} .entry-{k}{{margin:{n}px {k}px;padding:{k}px;color:#{n * 7 % 10}{k}{k}{n % 10}a0;"
    f"font-size:{12 + k % 6}px;line-height:1.{k % 9}}}"
    for n in range(12) for k in range(14)
)
JSON_LD = (
    '{{"@context":"https://schema.org","@type":"Article","headline":"{title}",'
    '"datePublished":"2025-0{m}-1{d}T08:00:00+08:00","author":{{"@type":"Person","name":"小编{d}"}},'
    '"publisher":{{"@type":"Organization","name":"{site}","logo":{{"@type":"ImageObject",'
    '"url":"http://{site}/wp-content/uploads/logo.png"}}}},"mainEntityOfPage":"http://{site}/p/{i}.html"}}'
)
THEME_JS = (
    "(function(){var nav=document.querySelector('.menu-toggle');if(nav){nav.addEventListener('click',"
    "function(){document.body.classList.toggle('menu-open');});}var imgs=document.querySelectorAll('img[data-src]');"
    "for(var i=0;i<imgs.length;i++){imgs[i].src=imgs[i].getAttribute('data-src');}"
    "window.addEventListener('scroll',function(){var t=document.getElementById('back-top');"
    "if(t){t.style.display=window.scrollY>400?'block':'none';}});})();"
)


def _page(rng: random.Random, i: int) -> tuple[bytes, str, str]:
    """One page of a blog theme carrying a spam article (40-60 KB, like real ones)."""
    topic = rng.choice(TOPICS)
    handle = rng.choice(HANDLES)
    site = f"site{i % 40}.example"
    title = f"{topic}怎么续费？轻松搞定全流程"
    fill = {
        "h": handle,
        "w": f"wx_{handle[:6]}{rng.randint(10, 99)}",
        "q": str(rng.randint(10000000, 999999999)),
        "p": f"8526{rng.randint(1000000, 9999999)}",
        "g": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10)),
        "b": "".join(rng.choice("0123456789abcdef") for _ in range(32)),
        "a": str(rng.randint(10**15, 10**16 - 1)),
    }
    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{cs}">',
        f"<title>{title} - {site}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{topic}续费教程，详细步骤与常见问题">',
        f'<meta name="keywords" content="{topic},续费,充值,教程">',
        f'<meta property="og:title" content="{title}"><meta property="og:type" content="article">',
        f'<meta property="og:url" content="http://{site}/p/{i}.html"><meta name="generator" content="WordPress 6.4">',
        f'<link rel="canonical" href="http://{site}/p/{i}.html">',
    ]
    parts += [f'<link rel="stylesheet" href="/wp-content/themes/blog/css/{n}.css?ver=6.{n}" media="all">' for n in range(6)]
    parts.append(f"<style>{THEME_CSS}.hide{{display:none}} @media (max-width:600px){{.nav{{display:block}}}}</style>")
    parts.append('<script type="application/ld+json">' + JSON_LD.format(title=title, site=site, i=i, m=1 + i % 9, d=i % 10) + "</script>")
    parts += [t.format(**fill) for t in rng.sample(TRACKERS, 2)]
    parts.append('</head><body class="post-template-default single single-post"><div id="page" class="site">')
    parts.append('<header class="site-header"><div class="site-branding">'
                 f'<a href="/" rel="home"><img src="/wp-content/uploads/logo.png" alt="{site}" width="180" height="40"></a>'
                 '</div><nav class="main-navigation"><button class="menu-toggle">菜单</button><ul class="menu">')
    for n in range(24):
        parts.append(f'<li class="menu-item menu-item-{n}"><a href="/category/{n}/">栏目{n}</a></li>')
    parts.append('</ul></nav></header><div class="site-content"><main class="content-area"><article class="post">')
    parts.append(f'<header class="entry-header"><h1 class="entry-title">{title}</h1>'
                 f'<div class="entry-meta"><span class="posted-on">2025-0{1 + i % 9}-1{i % 10}</span> '
                 f'<span class="byline"><a href="/author/{i % 5}/">小编</a></span></div></header>'
                 '<div class="entry-content">')
    parts.append(f'<p><img class="aligncenter" src="https://i.postimg.cc/{i % 7}Xy/{topic[:2]}-{i}.png" alt="{topic}"></p>')
    for _ in range(rng.randint(14, 22)):
        parts.append(f"<h3>{rng.choice(HEADINGS)}</h3>")
        para = rng.choice(OPENERS).format(t=topic) + "。" + "".join(rng.choices(SENTENCES, k=rng.randint(6, 12)))
        parts.append(f"<p>{para}</p>")
    for tpl in rng.sample(CONTACTS, 3):
        parts.append(tpl.format(**fill))
    parts.append(f'<p style="background:url(//img{i % 5}.cdn.example/bg.jpg)"><img data-src="/up/{i}.jpg" '
                 f'srcset="/up/{i}-2x.jpg 2x"></p>')
    parts.append('</div><footer class="entry-footer"><span class="tags-links">')
    parts += [f'<a href="/tag/t{n}/" rel="tag">标签{n}</a>' for n in range(8)]
    parts.append('</span></footer></article></main><aside class="widget-area"><section class="widget"><h2>最新文章</h2><ul>')
    for n in range(15):
        parts.append(f'<li><a href="/p/{(i + n * 7) % 500}.html">{rng.choice(TOPICS)}常见问题解答第{n}期</a></li>')
    parts.append('</ul></section><section class="widget"><h2>标签</h2><div class="tagcloud">')
    parts += [f'<a href="/tag/t{n}/" class="tag-cloud-link tag-link-{n}" style="font-size:{8 + n % 14}pt">标签{n}</a>' for n in range(30)]
    parts.append('</div></section></aside></div><footer class="site-footer"><ul>')
    for n in range(8):
        parts.append(f'<li><a href="https://friend{n}.example/?from={site}">友情链接{n}</a></li>')
    parts.append(f'</ul><p>© 2025 {site} 版权所有</p><a id="back-top" href="#page">返回顶部</a></footer></div>')
    parts.append(f"<script>{THEME_JS}</script></body></html>")
    gbk = i % 4 == 0
    charset = "gbk" if gbk else "utf-8"
    html = "".join(parts).replace("{cs}", charset)
    body = html.encode("gb18030" if gbk else "utf-8")  # GBK as browsers read it
    content_type = f"text/html; charset={charset}" if i % 8 else "text/html"
    return body, content_type, f"http://{site}/p/{i}.html"


def make_pages(megabytes: float, seed: int = 0) -> list[tuple[bytes, str, str]]:
    rng = random.Random(seed)
    pages, total, i = [], 0, 0
    while total < megabytes * 1e6:
        page = _page(rng, i)
        pages.append(page)
        total += len(page[0])
        i += 1
    return pages


def read_pages(directory: Path) -> list[tuple[bytes, str, str]]:
    """Every file under ``directory`` as a page without a Content-Type (its charset is sniffed)."""
    files = sorted(f for f in directory.rglob("*") if f.is_file())
    return [(f.read_bytes(), "", f"http://pages.example/{f.name}") for f in files]


def run_extractor(pages) -> int:
    n = 0
    for body, ct, url in pages:
        n += _extract(body, ct, url)
    return n


def _extract(body: bytes, content_type: str, url: str) -> int:
    html = decode_html(body, content_type)
    parsed = parse_page(html, url)
    return len(extract_artifacts(html, url, parsed=parsed))


def paired_rounds(pages, rounds: int) -> list[tuple[float, float]]:
    """Each round's CPU time of lxml alone and of the full extractor, in seconds.

    Within a round the two take turns page by page (lxml parses a page, the
    extractor reads it; the next page the other way round), so that both see
    the same conditions: on a shared machine the CPU's speed changes from one
    second to the next, and timing one whole pass after the other lets those
    changes land on one of them only. Times are CPU time of this process
    (``time.process_time_ns``), which other processes disturb less than
    wall time.
    """
    clock, parse = time.process_time_ns, lxml.html.fromstring
    out = []
    for _ in range(rounds):
        t_lxml = t_full = 0
        for i, (body, ct, url) in enumerate(pages):
            if i % 2:  # who reads the page first (from memory, not cache) alternates
                t0 = clock()
                _extract(body, ct, url)
                t1 = clock()
                parse(body)
                t2 = clock()
                t_full += t1 - t0
                t_lxml += t2 - t1
            else:
                t0 = clock()
                parse(body)
                t1 = clock()
                _extract(body, ct, url)
                t2 = clock()
                t_lxml += t1 - t0
                t_full += t2 - t1
        out.append((t_lxml / 1e9, t_full / 1e9))
    return out


#: Units a hostile page repeats: each once made extraction superlinear or slow.
PATHOLOGICAL_UNITS = ("0123456789", "+1 (2) 3-4.", "+1 202 555 0143, ", "1234567o", "a@b.", "Tel: 12 ")


def pathological_page(megabytes: float) -> bytes:
    """A page of ``megabytes`` MB: each unit repeated over an equal share, one
    share of nesting, then a contact line (which must still be found)."""
    size = int(megabytes * 1e6)
    share = size // (len(PATHOLOGICAL_UNITS) + 1)
    parts = ["<html><head><title>esim</title></head><body>"]
    parts += [f"<p>{unit * (share // len(unit))}</p>" for unit in PATHOLOGICAL_UNITS]
    depth = share // 11
    parts.append("<div>" * depth + "<p>x</p>" + "</div>" * depth)
    parts.append("<p>WhatsApp: +852 6123 4567</p></body></html>")
    return "".join(parts).encode()


def pathological(sizes=(1, 2, 4, 8)) -> None:
    """Print the extraction time of pathological pages of ``sizes`` MB."""
    print("pathological pages: decode_html + parse_page + extract_artifacts, CPU time")
    base = None
    for mb in sizes:
        body = pathological_page(mb)
        t0 = time.process_time()
        found = _extract(body, "text/html; charset=utf-8", "http://hostile.example/p.html")
        took = time.process_time() - t0
        base = base or took / mb
        print(f"  {mb:2d} MB: {took:6.2f} s  ({took / mb:5.2f} s/MB, {took / mb / base:4.2f} x the 1 MB page's;"
              f" {found} artifacts)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=4.0, help="megabytes of HTML to generate")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--profile", action="store_true", help="print the extractor's top functions")
    ap.add_argument("--pages", metavar="DIR", type=Path,
                    help="measure on the HTML files under DIR instead (saved pages, charset sniffed)")
    ap.add_argument("--pathological", action="store_true",
                    help="time 1, 2, 4 and 8 MB pathological pages instead (linear growth)")
    args = ap.parse_args()
    if args.pathological:
        pathological()
        return

    pages = read_pages(args.pages) if args.pages else make_pages(args.mb)
    if not pages:
        raise SystemExit(f"no files under {args.pages}")
    mb = sum(len(p[0]) for p in pages) / 1e6
    artifacts = run_extractor(pages)  # warm caches, count artifacts
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(run_extractor, pages)
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)
    rounds = paired_rounds(pages, args.rounds)
    r_lxml = statistics.median(mb / t for t, _ in rounds)
    r_full = statistics.median(mb / t for _, t in rounds)
    ratios = sorted(t_lxml / t_full for t_lxml, t_full in rounds)
    print(f"pages: {len(pages)}, HTML: {mb:.2f} MB, artifacts: {artifacts} ({artifacts / len(pages):.1f}/page)")
    built = [name for name in ("_fastwalk", "_fasttext") if importlib.util.find_spec(f"crawler.extraction.{name}")]
    print(f"compiled parts: {', '.join(built) if built else 'none (pure Python: no C compiler at install?)'}")
    print(f"lxml.html.fromstring alone: {r_lxml:7.2f} MB/s  (median of {len(rounds)} rounds)")
    print(f"full extractor:             {r_full:7.2f} MB/s  (decode_html + parse_page + extract_artifacts)")
    print(f"ratio: {statistics.median(ratios):.3f}  (median of the rounds' ratios, range {ratios[0]:.3f}-{ratios[-1]:.3f};"
          " target >= 0.25)")


if __name__ == "__main__":
    main()
