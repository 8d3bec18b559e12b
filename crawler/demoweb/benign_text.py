"""Texts of the demo web's benign pages: they share the campaigns' keywords, not their actors.

A consumer-warning news story names one campaign's handle (a mention, not an
advertisement), a genuine carrier answers renewal questions, forum users and
travel bloggers talk about eSIMs.

>>> warning_story("somehandle").sections[1][1].count("@somehandle")
1
"""

from __future__ import annotations

from crawler.demoweb.content import Article

__all__ = [
    "warning_story",
    "crypto_warning_story",
    "carrier_story",
    "NEWS_INDEX_TITLE",
    "CARRIER_FAQ",
    "FORUM_THREADS",
    "TRAVEL_POSTS",
    "TECH_NOTE",
]

NEWS_INDEX_TITLE = "快讯日报 · 科技与消费"


def warning_story(handle: str) -> Article:
    """A news story warning readers about an eSIM renewal seller on Telegram."""
    return Article(
        "警惕！网上“eSIM代续费”陷阱增多，多名旅客付款后失联",
        (
            ("", "本报讯 近期，本报热线陆续接到读者来电，反映在网上搜索eSIM续费方法时，"
                 "被大量内容雷同的文章引导到聊天软件上办理“代续费”，付款后对方便不再回复。"),
            ("", f"记者调查发现，这些文章分布在数十个博客和小网站上，标题大同小异，文末都留有"
                 f"同一个联系方式。多位读者提到的账号是Telegram上的@{handle}，对方声称可以"
                 f"“低价续费、秒到账”。记者以顾客身份联系后，对方要求先付全款，拒绝提供任何凭证。"),
            ("", "通信行业人士提醒，正规运营商的eSIM续费都可以在官方应用或官网自助完成，"
                 "不需要通过私人账号代办。消费者如遇到类似情况，应保留聊天记录和付款凭证，"
                 "及时向平台和警方反映。"),
        ),
    )


def crypto_warning_story() -> Article:
    """A news story on fake stablecoin investment schemes (names no contact)."""
    return Article(
        "“USDT理财日息2%”？专家：高收益承诺多为骗局",
        (
            ("", "本报讯 近来，一些网站和社交群组大肆宣传所谓“USDT稳定币理财”，"
                 "承诺每日固定收益、老师带单、随时提现，吸引不少中老年人投入积蓄。"),
            ("", "金融监管部门表示，任何承诺保本高收益的虚拟货币投资都应高度警惕。"
                 "此类平台往往在初期允许小额提现以取得信任，待投入金额变大后便以各种理由拒绝出金。"),
            ("", "专家建议，不要向陌生人提供的钱包地址转账，不要轻信所谓“内部群”和“带单老师”，"
                 "发现被骗后应立即报警。"),
        ),
    )


def carrier_story() -> Article:
    """A tech news story on carriers adopting eSIM (no warning, no contact)."""
    return Article(
        "多家运营商扩大eSIM支持范围，出境用户可在线办理续费",
        (
            ("", "本报讯 随着支持eSIM的手机型号越来越多，多家运营商近日宣布扩大eSIM业务范围，"
                 "出境旅客可以在出发前通过官方应用下载配置，并在境外直接在线续费。"),
            ("", "业内人士表示，eSIM省去了实体卡的物流和更换环节，未来几年有望成为主流。"
                 "用户在续费时应认准运营商官方渠道。"),
        ),
    )


#: The genuine carrier's FAQ: (path slug, question, answer).
CARRIER_FAQ: tuple[tuple[str, str, str], ...] = (
    ("renew-online", "如何在线为eSIM续费？",
     "登录远航移动官方应用，在“我的套餐”中选择需要续费的eSIM号码，挑选套餐并完成支付即可。"
     "续费成功后会收到官方短信通知。远航移动不会通过任何私人聊天账号办理续费。"),
    ("renew-expired", "eSIM已经过期，还能续费吗？",
     "号码停机后九十天内仍可在官方应用中续费恢复使用；超过九十天的号码将被回收，"
     "需要重新申请eSIM。"),
    ("renew-failed", "续费扣款成功但套餐没有生效怎么办？",
     "请先重启手机并确认数据漫游已开启。如仍未生效，请在官方应用的“帮助与反馈”中提交工单，"
     "我们会在二十四小时内处理。"),
    ("transfer-device", "换手机后eSIM如何转移？",
     "在新手机上登录官方应用，选择“转移eSIM”，按提示扫码即可，原有套餐和续费记录不受影响。"),
    ("official-channels", "哪些是官方续费渠道？",
     "官方续费渠道只有远航移动官方应用、官网和线下营业厅。网上自称“内部渠道”“低价代续费”的"
     "均与本公司无关，请勿向其付款。"),
)

#: Forum threads: (slug, title, posts).
FORUM_THREADS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("thread-1024", "求助：在国外eSIM续费一直失败",
     ("楼主：人在德国，eSIM续费页面一直转圈，换了两张信用卡都不行，有没有人遇到过？",
      "二楼：试试关掉VPN再付款，我之前也是这样，关掉就好了。",
      "三楼：别去网上找那些代续费的，我朋友被坑过，钱付了人就消失了。",
      "楼主：关掉VPN果然可以了，谢谢大家！")),
    ("thread-2048", "分享：出境eSIM哪家续费方便",
     ("一楼：整理了一下几家运营商的续费方式，大部分都能在官方应用里直接续费。",
      "二楼：感谢分享，想问一下续费后流量是叠加还是覆盖？",
      "一楼：看套餐，多数是叠加的，到期日按新套餐算。")),
)

#: A travel blogger's posts: (slug, title, paragraphs).
TRAVEL_POSTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("2025/04/tokyo-day1.html", "东京自由行第一天：机场到酒店",
     ("早上落地成田机场，出发前在官方应用里买好了eSIM，开机就有信号，省了排队买卡的时间。",
      "坐京成线到上野，办好入住后去阿美横町吃了第一顿拉面，汤头很浓。")),
    ("2025/04/tokyo-day4.html", "东京自由行第四天：流量不够了怎么办",
     ("第四天发现流量快用完了，直接在官方应用里续费了一个五天的套餐，两分钟就生效。",
      "下午去了浅草寺，人很多，建议早点去。晚上在晴空塔看夜景。")),
)

#: A developer's note on eSIM profiles: (path, title, paragraphs).
TECH_NOTE: tuple[str, str, tuple[str, ...]] = (
    "notes/esim-profiles.html", "读书笔记：eSIM配置文件是怎么下发的",
    ("eSIM的配置文件由运营商的SM-DP+服务器生成，手机扫描二维码后通过加密通道下载并安装到eUICC芯片中。",
     "续费本身只是运营商计费系统里的操作，并不需要重新下载配置文件，这也是在线续费可以即时生效的原因。"),
)
