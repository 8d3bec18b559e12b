"""Phrase banks and article writers for the demo web's text.

Every text here is written for Cobweb's demo: machine-style spam articles in
the manner of the eSIM-renewal campaign the project studies, plus the benign
and off-topic pages a real crawl meets. Writers take a :class:`random.Random`
so one seed always gives one web.

>>> import random
>>> art = esim_article(random.Random(1), "telegram")
>>> "续费" in art.title and len(art.sections) >= 4
True
>>> esim_article(random.Random(1), "telegram") == art
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "Article",
    "esim_article",
    "esim_article_hant",
    "usdt_article",
    "topup_article",
]


@dataclass(frozen=True, slots=True)
class Article:
    """A title and its sections: ``(heading or "", paragraph)`` pairs."""

    title: str
    sections: tuple[tuple[str, str], ...]


# --- eSIM renewal, actor 1 (Telegram) -------------------------------------------------------

_TG_CARDS = ("LEB卡", "Leb卡", "LEB eSIM卡", "LEB流量卡", "境外eSIM卡", "LEB电话卡", "远游eSIM")
_TG_HOOKS = (
    "三分钟搞定续费", "续费步骤一次讲清楚", "不停机续费的小窍门", "新手也能看懂的续费教程",
    "续费失败怎么办", "最全续费攻略", "老用户都在用的续费方法",
)
_TG_TITLES = (
    "{card}怎么续费？{hook}",
    "{card}到期了如何续费？{hook}",
    "{card}续费指南：{hook}",
    "手把手教你给{card}续费，{hook}",
)
_TG_INTROS = (
    "出门在外，手机没有网络几乎寸步难行。越来越多的朋友在出国前会准备一张{card}，"
    "落地就能上网，不用排队买本地卡。可是套餐一到期，很多人就不知道该从哪里续费了。",
    "最近后台收到很多留言，问的都是同一个问题：{card}的套餐快用完了，到底怎么续费？"
    "今天就把整个流程整理出来，照着做一遍就能搞定。",
    "{card}是一种可以直接写入手机的电子SIM卡，省去了换卡的麻烦，特别适合经常往返"
    "各国的商务人士和留学生。不过不少用户第一次续费时会被各种选项弄得一头雾水。",
    "相比传统实体卡，{card}最大的好处就是灵活：套餐随买随用，不用时也不会产生月租。"
    "正因为这样，按时续费就成了使用过程中最需要留意的一件事。",
    "很多人以为eSIM续费要跑营业厅，其实完全不用。只要手机能连上网络，几分钟就能在线"
    "完成{card}的续费，下面我们一步一步来看。",
    "不少读者反映，{card}到期后突然断网，导航、打车、付款全都用不了，非常尴尬。"
    "提前了解续费方法，就能避免这种情况。",
)
_TG_STEPS = (
    ("确认卡号和有效期",
     "续费之前，先在手机设置的蜂窝网络页面找到eSIM信息，记下卡号（ICCID）和到期时间。"
     "如果找不到，可以翻一翻购买时收到的邮件，里面通常都有完整的开卡信息。"),
    ("登录账户",
     "打开官方应用或网页，用注册时的邮箱登录。忘记密码的话，点击找回密码，按提示重置即可。"
     "登录后进入“我的卡片”，就能看到当前套餐的剩余流量和到期日。"),
    ("挑选续费套餐",
     "套餐一般分为按天、按周和按月三种。短途旅行选按天最省钱，长期在外则建议直接续月包。"
     "如果经常需要视频通话，记得选择流量更充足的档位。"),
    ("完成支付",
     "确认套餐后进入支付页面，常见的付款方式有银行卡、PayPal和第三方钱包。付款时尽量使用"
     "稳定的网络，避免页面卡住导致重复扣款。"),
    ("等待套餐生效",
     "支付成功后，新套餐通常会在几分钟内自动生效。此时可以打开飞行模式再关闭，让手机重新"
     "注册网络，信号恢复后就可以正常上网了。"),
    ("检查续费结果",
     "回到账户页面刷新一下，确认到期时间已经延长。如果半小时后仍然没有变化，先别着急重复"
     "付款，保存好支付凭证再联系客服处理。"),
    ("开启自动续费",
     "怕忘记续费的朋友可以打开自动续费功能，系统会在到期前一天自动扣款。不过出行计划有变时，"
     "记得及时关闭，以免产生不必要的费用。"),
    ("保存开卡二维码",
     "部分套餐续费后需要重新扫描配置二维码。建议把二维码截图保存在相册里，换机或者误删"
     "eSIM配置时也能快速恢复。"),
)
_TG_TIPS = (
    ("续费常见问题",
     "问：续费后原来剩余的流量还在吗？答：多数套餐会把未用完的流量顺延，但也有套餐到期清零，"
     "续费前最好先看清说明。问：可以帮家人续费吗？答：只要知道对方的卡号就可以代为续费。"),
    ("避坑提醒",
     "网上有不少来路不明的低价续费链接，价格看起来很诱人，付款后却迟迟不到账。续费一定要"
     "认准正规渠道，遇到问题及时咨询。"),
    ("省钱小技巧",
     "节假日前后经常会有续费优惠，提前关注就能省下不少钱。另外，一次性续费较长的套餐，"
     "平均每天的价格往往更低。"),
    ("换手机后怎么办",
     "换了新手机不用重新买卡，只要在旧手机上删除eSIM配置，再在新手机上扫码重新安装，"
     "续费记录和余额都会保留。"),
)
_TG_CLOSINGS = (
    "总的来说，{card}续费并不复杂，按上面的步骤操作就能顺利完成。还有疑问的朋友，"
    "欢迎通过文末的方式联系我们，看到消息会第一时间回复。",
    "希望这篇续费教程能帮到正在为断网发愁的你。如果操作中遇到任何问题，直接找我们的客服，"
    "一对一帮你处理，祝大家出行顺利！",
    "以上就是{card}续费的全部流程。收藏这篇文章，下次续费时打开看一眼就不会出错。"
    "需要代办续费或者购买新卡，也可以联系下方客服。",
    "最后提醒一句：续费要趁早，别等到落地才发现没有网络。想了解更多套餐信息，"
    "点击下方链接联系我们即可。",
)

# --- eSIM renewal, actor 2 (WhatsApp) -------------------------------------------------------

_WA_CARDS = ("eSIM卡", "香港eSIM", "出境eSIM", "旅游eSIM卡", "数据eSIM")
_WA_TITLES = (
    "{card}余额不足？在线续费只需几步",
    "{card}续费充值详细说明（附常见问题）",
    "2025年{card}续费最新方法汇总",
    "{card}过期了还能续费吗？一文看懂",
)
_WA_PARAGRAPHS = (
    ("为什么需要续费",
     "{card}出厂时附带的流量有效期有限，一旦过期就无法继续使用数据服务。与其到了当地再去"
     "找便利店，不如在出发前完成续费，省时又安心。"),
    ("续费前要准备什么",
     "准备好购买时的订单号、eSIM的ICCID号码和一张可以境外支付的银行卡。把这三样东西放在"
     "手边，整个续费过程不会超过五分钟。"),
    ("线上续费流程",
     "进入续费页面后输入ICCID，系统会自动识别卡片类型并列出可选的流量包。选定后提交订单，"
     "付款成功即可收到确认短信。"),
    ("过期卡怎么处理",
     "如果卡片已经过期不超过三十天，一般仍然可以直接续费恢复；超过期限的话，号码可能会被回收，"
     "需要重新购买新的eSIM。"),
    ("续费后没有网络",
     "续费成功却上不了网，多半是数据漫游没有打开。进入设置，找到对应的eSIM线路，打开数据漫游"
     "并把它设为默认数据卡，问题通常就能解决。"),
    ("人工代充服务",
     "不方便自己操作的用户，可以把ICCID发给我们的客服，由专人代为续费，付款方式支持转数快、"
     "PayMe和银行转账，全程有截图可查。"),
)
_WA_CLOSINGS = (
    "有任何续费问题，欢迎直接WhatsApp我们，客服每天早上九点到晚上十一点在线。",
    "想省心的话就交给我们代充吧，发送ICCID给客服，十分钟内完成续费。",
    "本文会持续更新最新的续费方式，建议收藏。需要帮忙请通过WhatsApp联系。",
)

_WA_HANT_TITLES = (
    "{card}如何續費？香港用戶增值教學",
    "{card}增值懶人包：過期前記得續費",
)
_WA_HANT_CARDS = ("eSIM卡", "旅遊eSIM", "數據eSIM")
_WA_HANT_PARAGRAPHS = (
    ("續費前準備",
     "續費之前，請先在手機設定中找到eSIM的ICCID號碼，並準備好一張可以網上付款的信用卡。"
     "準備妥當之後，整個過程大約五分鐘就能完成。"),
    ("網上增值步驟",
     "登入增值頁面，輸入ICCID號碼，選擇合適的數據套餐，然後確認付款。付款成功後會收到短訊"
     "通知，套餐即時生效。"),
    ("增值後無法上網",
     "如果增值成功但無法上網，請檢查數據漫遊是否已開啟，再將這條eSIM線路設為預設數據線路。"
     "重新開機之後通常就可以正常使用。"),
    ("代客增值服務",
     "不想自己操作的朋友，可以將ICCID傳送給我們的客服，由專人代為增值，支援轉數快及銀行轉帳。"),
)
_WA_HANT_CLOSINGS = (
    "有任何問題，歡迎隨時用WhatsApp聯絡我們，客服每日早上九點至晚上十一點在線。",
    "記得在出發之前完成增值，有需要就WhatsApp我們，十分鐘內幫你處理。",
)

# --- USDT "investment", actor 3 (WeChat / QQ, rotating) -------------------------------------

_USDT_TITLES = (
    "USDT理财一天收益多少？稳定币躺赚攻略",
    "新手如何用USDT做理财？老师带单月入过万",
    "USDT搬砖套利真的稳赚吗？亲测三个月的心得",
    "2025最新USDT理财平台推荐，日息高达百分之二",
    "USDT质押挖矿入门：小白也能轻松上手",
    "手里有闲置USDT？教你让资产每天自动增值",
)
_USDT_PARAGRAPHS = (
    ("什么是USDT理财",
     "USDT是一种与美元挂钩的稳定币，价格几乎不波动。把USDT存入理财平台，就能像存银行一样"
     "每天获得利息，而且收益远远高于传统存款。"),
    ("收益从哪里来",
     "平台把用户存入的USDT用于跨交易所套利和量化交易，赚到的差价按比例分给用户。专业团队"
     "全天候操作，普通人只需要等着收钱就行。"),
    ("如何开始",
     "第一步注册账户，第二步把USDT转入指定地址，第三步选择理财周期。资金到账后第二天就开始"
     "计算收益，随时可以查看每日入账。"),
    ("老师带单",
     "我们有经验丰富的老师每天在群里分享行情和操作建议，跟着老师的节奏进出，新手也能稳定"
     "获利。名额有限，先到先得。"),
    ("安全吗",
     "很多人担心平台跑路。我们的平台已经稳定运营多年，每一笔收益都可以在链上查询，出金秒到账，"
     "从来没有出现过提不了币的情况。"),
    ("用户反馈",
     "一位宝妈用五千U起步，三个月后本金翻了一倍；一位退休老师每天的利息就够买菜。"
     "这样的案例每天都在群里更新。"),
    ("充值地址",
     "充值请认准官方收款地址，转账前务必核对地址的前四位和后四位，转账完成后把截图发给客服"
     "登记，收益从次日开始计算。"),
)
_USDT_CLOSINGS = (
    "想了解详细的收益方案，请添加客服领取新手资料，前一百名还有额外体验金。",
    "机会不等人，越早上车收益越高。加客服备注“理财”，老师会一对一指导。",
    "有兴趣的朋友直接联系客服，拉你进内部交流群，每天分享最新的赚钱项目。",
)

# --- eSIM top-up resellers, actor 4 (tracking only) -----------------------------------------

_TOPUP_TITLES = (
    "eSIM话费代充，全球流量卡续费一站式服务",
    "出境流量卡续费代充，最快五分钟到账",
    "各国eSIM续费充值价格表（每日更新）",
    "eSIM续费代办：支持上百个国家和地区",
)
_TOPUP_PARAGRAPHS = (
    ("服务范围",
     "我们提供全球主流运营商的eSIM续费和话费充值，覆盖欧洲、北美、东南亚和中东地区，"
     "无论是旅游卡还是长期号码都可以代为续费。"),
    ("下单方式",
     "在页面下方的表单中填写卡号、国家和需要的套餐，提交后系统自动生成订单，付款完成后"
     "即进入处理队列。"),
    ("到账时间",
     "大部分订单在五到三十分钟内完成，高峰时段可能稍有延迟。订单状态可以随时在查询页面"
     "输入卡号查看。"),
    ("价格说明",
     "价格随运营商官方定价浮动，页面显示的是当日实时价格，不收取任何隐藏费用，"
     "老客户下单还可享受折扣。"),
)


def _fill(text: str, card: str) -> str:
    return text.replace("{card}", card)


def _sections(rng: random.Random, bank: tuple[tuple[str, str], ...], k: int,
              card: str) -> list[tuple[str, str]]:
    return [(heading, _fill(para, card)) for heading, para in rng.sample(bank, k)]


def _steps(rng: random.Random, card: str) -> list[tuple[str, str]]:
    """Three tutorial steps, kept in the bank's order and numbered."""
    picked = sorted(rng.sample(range(len(_TG_STEPS)), 3))
    return [(f"第{'一二三'[n]}步：{_TG_STEPS[i][0]}", _fill(_TG_STEPS[i][1], card))
            for n, i in enumerate(picked)]


def esim_article(rng: random.Random, actor: str) -> Article:
    """An eSIM-renewal spam article in simplified Chinese.

    ``actor`` is ``"telegram"`` (long step-by-step tutorials) or
    ``"whatsapp"`` (shorter top-up notes): two actors, two voices.
    """
    if actor == "telegram":
        card = rng.choice(_TG_CARDS)
        title = rng.choice(_TG_TITLES).format(card=card, hook=rng.choice(_TG_HOOKS))
        sections = [("", _fill(rng.choice(_TG_INTROS), card))]
        sections += _steps(rng, card)
        sections.append(rng.choice(_TG_TIPS))
        sections.append(("", _fill(rng.choice(_TG_CLOSINGS), card)))
    elif actor == "whatsapp":
        card = rng.choice(_WA_CARDS)
        title = rng.choice(_WA_TITLES).format(card=card)
        sections = _sections(rng, _WA_PARAGRAPHS, 4, card)
        sections.append(("", rng.choice(_WA_CLOSINGS)))
    else:
        raise ValueError(f"unknown actor {actor!r}")
    return Article(title, tuple(sections))


def esim_article_hant(rng: random.Random) -> Article:
    """The WhatsApp actor's article in traditional Chinese (Hong Kong), Big5-encodable.

    >>> art = esim_article_hant(random.Random(0))
    >>> _ = "".join(p for _, p in art.sections).encode("big5")
    """
    card = rng.choice(_WA_HANT_CARDS)
    title = rng.choice(_WA_HANT_TITLES).format(card=card)
    sections = _sections(rng, _WA_HANT_PARAGRAPHS, 3, card)
    sections.append(("", rng.choice(_WA_HANT_CLOSINGS)))
    return Article(title, tuple(sections))


def usdt_article(rng: random.Random) -> Article:
    """A fake USDT investment article."""
    title = rng.choice(_USDT_TITLES)
    sections = _sections(rng, _USDT_PARAGRAPHS, 4, "")
    sections.append(("", rng.choice(_USDT_CLOSINGS)))
    return Article(title, tuple(sections))


def topup_article(rng: random.Random) -> Article:
    """An eSIM top-up reseller page (no contacts: an order form)."""
    title = rng.choice(_TOPUP_TITLES)
    sections = _sections(rng, _TOPUP_PARAGRAPHS, 3, "")
    return Article(title, tuple(sections))
