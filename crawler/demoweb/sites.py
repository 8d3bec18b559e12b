"""The demo web's sites: made-up hosts on real public suffixes, by role.

Free-hosting subdomains (``*.blogspot.com``, ``*.github.io``, ``*.netlify.app``
...) are sites of their own, so one actor spreads over many sites and
unrelated owners share a platform.

>>> from crawler.domains import registered_domain
>>> len({registered_domain(h) for h in TELEGRAM_SITES}) == len(TELEGRAM_SITES)
True
>>> post_path("leb-xufei-jiaocheng.blogspot.com", "renew", 3)
'/2025/09/renew-3.html'
"""

from __future__ import annotations

__all__ = [
    "TELEGRAM_SITES", "WHATSAPP_SITES", "USDT_SITES", "TOPUP_SITES",
    "FARM_HOST", "DIRECTORY_HOST", "NEWS_HOST", "CARRIER_HOST", "FORUM_HOST",
    "TRAVEL_HOST", "TECH_HOST", "RECIPES_HOST", "GARDEN_HOST", "SPORTS_HOST", "WEATHER_HOST",
    "REDIRECT_DOORWAY", "META_DOORWAY", "JS_DOORWAY", "EXTERNAL_HOSTS",
    "post_path", "is_blogger",
]

#: Actor 1 (Telegram, the seeds' style): blogs on free hosts and cheap domains.
TELEGRAM_SITES: tuple[str, ...] = (
    "leb-xufei-jiaocheng.blogspot.com",
    "esim-kaxufei.blogspot.com",
    "liuliangka-zhinan.blogspot.com",
    "haiwai-simka.blogspot.com",
    "esim-biji.blogspot.com",
    "chuguo-shangwang.blogspot.com",
    "esim-renew.github.io",
    "simka-help.netlify.app",
    "leb-card.pages.dev",
    "xufei-guide.vercel.app",
    "www.simka-xufei.cn",
    "esim-kefu.top",
    "liuliang-help.xyz",
    "www.leb-ka.com",
    "yuanyouka.net",
    "esimtips.wixsite.com",
)

#: Actor 2 (WhatsApp): the same topic, other sites (two on the same blog platform).
WHATSAPP_SITES: tuple[str, ...] = (
    "hk-esim-topup.blogspot.com",
    "esim-zhongzhi.blogspot.com",
    "www.simcard-hk.com",
    "esim-xufei.net",
    "yuanyou-sim.top",
    "quanqiu-esim.xyz",
    "esim-help.web.app",
)

#: Actor 3 (fake USDT investment, rotating WeChat/QQ).
USDT_SITES: tuple[str, ...] = (
    "usdt-licai.top",
    "www.bizhuan-touzi.xyz",
    "wenzhuan-usdt.com",
    "www.shuzi-caifu.cn",
    "licai-mima.net",
    "usdt-tips.blogspot.com",
    "crypto-fuli.vercel.app",
)

#: Actor 4 (eSIM top-up resellers tied by one analytics id).
TOPUP_SITES: tuple[str, ...] = (
    "www.huafei-daichong.com",
    "esim-chongzhi.top",
    "sim-daichong.xyz",
    "kuaichong-esim.cn",
)

FARM_HOST = "esim-daohang.top"  # an SEO link farm listing both eSIM actors' pages
DIRECTORY_HOST = "www.wangzhi-daquan.xyz"  # a web directory linking everything else
NEWS_HOST = "www.kuaixun-daily.com"
CARRIER_HOST = "www.yuanhang-mobile.com"
FORUM_HOST = "bbs.simka-luntan.net"
TRAVEL_HOST = "xiaolin-travel.blogspot.com"
TECH_HOST = "lin-tech-notes.github.io"
RECIPES_HOST = "www.chufang-jia.com"
GARDEN_HOST = "backyard-greens.blogspot.com"
SPORTS_HOST = "sports.tiyu-kuaibao.cn"
WEATHER_HOST = "www.tianqi-yubao.net"

REDIRECT_DOORWAY = "http://go.xufei-tiaozhuan.xyz/t/7"  # HTTP 302 to a Telegram-actor page
META_DOORWAY = "http://esim-jump.top/go.html"  # meta refresh to a WhatsApp-actor page
JS_DOORWAY = "http://licai-go.xyz/"  # location.href to a USDT-actor page

#: Real-world hosts the demo web links to but never serves: page furniture, the
#: messaging platforms' link hosts and image hosts. The synthetic proxy answers them 404.
EXTERNAL_HOSTS: frozenset[str] = frozenset({
    "fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "www.facebook.com",
    "twitter.com", "www.blogger.com", "www.googletagmanager.com", "hm.baidu.com",
    "t.me", "telegram.me", "wa.me", "api.whatsapp.com", "wpa.qq.com",
    "i.postimg.cc", "i.ibb.co",
})


def is_blogger(host: str) -> bool:
    """True for Blogger-hosted sites (they load Blogger's widgets)."""
    return host.endswith(".blogspot.com")


def post_path(host: str, slug: str, n: int) -> str:
    """The path of post ``n`` on ``host``, in the style of its platform."""
    if is_blogger(host):
        return f"/2025/{6 + n % 4:02d}/{slug}-{n}.html"
    if host.endswith(".wixsite.com"):
        return f"/blog/post/{slug}-{n}"
    if host.endswith((".github.io", ".pages.dev", ".vercel.app", ".netlify.app", ".web.app")):
        return f"/posts/{slug}-{n}/"
    return f"/article/{slug}-{n}.html"
