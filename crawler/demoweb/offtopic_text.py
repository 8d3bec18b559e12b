"""Texts of the demo web's off-topic pages: none of them mentions a demo keyword.

>>> all("sim" not in (t + "".join(ps)).lower() for _, t, ps in RECIPES + GARDEN + SPORTS)
True
"""

from __future__ import annotations

__all__ = ["RECIPES", "GARDEN", "SPORTS", "WEATHER"]

#: (path, title, paragraphs) of a home-cooking site.
RECIPES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("recipes/hongshaorou.html", "家常红烧肉：肥而不腻的秘诀",
     ("五花肉切块后冷水下锅焯水，撇去浮沫捞出沥干。",
      "锅中少油炒糖色，下肉块翻炒上色，加生抽、老抽和热水，小火炖一个小时，最后大火收汁。")),
    ("recipes/fanqie-chaodan.html", "番茄炒蛋的三个小窍门",
     ("鸡蛋里加一点清水，炒出来更嫩；番茄先炒出汁再放鸡蛋。",
      "出锅前撒一点葱花，酸甜适口，拌饭一绝。")),
    ("recipes/liangban-huanggua.html", "夏天必备：凉拌黄瓜",
     ("黄瓜拍碎切段，加盐腌十分钟后倒掉水分。",
      "调入蒜末、香醋、生抽和香油，拌匀冷藏半小时更入味。")),
)

#: (path, title, paragraphs) of an English gardening blog.
GARDEN: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("2025/03/tomato-seedlings.html", "Starting tomato seedlings indoors",
     ("Sow two seeds per cell about six weeks before the last frost and keep the tray warm.",
      "Once the first true leaves appear, thin to the strongest plant and give them plenty of light.")),
    ("2025/05/compost-basics.html", "Compost basics for a small yard",
     ("Mix green kitchen scraps with brown leaves or cardboard, roughly one part to three.",
      "Turn the pile every couple of weeks and keep it as damp as a wrung-out sponge.")),
)

#: (path, title, paragraphs) of a sports news site.
SPORTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("news/basketball-final.html", "城市篮球联赛决赛：主队加时险胜",
     ("昨晚的决赛打满四节仍未分出胜负，主队在加时赛最后十秒投进关键三分。",
      "赛后主教练表示，球队的防守是本赛季最大的进步。")),
    ("news/marathon.html", "春季马拉松报名开启，名额一万五千个",
     ("今年春季马拉松将于四月举行，全程、半程和健康跑三个项目同时开放报名。",
      "组委会提醒跑者量力而行，赛前做好体检。")),
)

#: (path, title, paragraphs) of a weather page.
WEATHER: tuple[str, str, tuple[str, ...]] = (
    "today.html", "今日天气：多云转晴，气温回升",
    ("白天多云转晴，最高气温二十三度，夜间有轻雾。", "未来三天以晴好天气为主，适合户外活动。"),
)
