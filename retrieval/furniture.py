"""Page furniture: the lines a portal, a news site or a printer puts around a report.

Date-of-today lines, breadcrumbs, font-size and share widgets, menus, site names and
footers are not part of the report in any format (a page saved as text keeps them as
lines), so they are recognised by their shape, never by one site's wording.
"""

from __future__ import annotations

import re

# `今天是:2019年10月31日 星期三 农历十月初七`, `2021年3月2日 星期二`.
_TODAY = re.compile(r"^(?:今天是|今日|当前日期)|星期[一二三四五六日天]|农历")
# `首页 > 政务公开 > 工作报告`, `您所在的位置:政务公开 > 工作报告`.
_BREADCRUMB_SEPARATOR = re.compile(r"\s*(?:>>|＞＞|>|＞|›|»|→)\s*|\s+/\s+")
_BREADCRUMB_START = re.compile(
    r"^(?:首页|主页|网站首页|当前位置|您的位置|您现在的位置|您所在的位置|您当前的位置|所在位置|位置)"
)
# Widgets and buttons: 字号 大 中 小, 【打印】, 分享到, 扫一扫, 收藏, 关闭.
_WIDGET = re.compile(
    r"^[【\[(（]?\s*(?:字号|字体|文字|分享到?|打印(?:本页|此页)?|关闭(?:窗口|本页)?|收藏|"
    r"扫一扫|返回顶部|返回|纠错|我要纠错|视力保护色|阅读模式|朗读)"
    r"\s*[】\])）]?\s*[:：]?"
)
_WIDGET_SIZES = re.compile(r"[大中小]\s*[大中小]\s*[大中小]|[【\[]\s*[大中小]\s*[】\]]")
# Footers: who runs the site, its licence numbers, how to reach it.
_FOOTER = re.compile(
    r"主办单位|承办单位|主办[:：]|承办[:：]|协办单位|版权所有|Copyright|©|ICP|备案号|网站标识码|"
    r"公网安备|技术支持|网站地图|联系我们|建议使用|分辨率|浏览器"
)
# A line that is only link labels of a menu: short words separated by white space.
_MENU_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,6}$")
_SITE = re.compile(r"www\.|https?://|\.gov\.cn|门户网站|政府网$|人民政府网站?$")
_ASCII_ONLY = re.compile(r"^[\x00-\x7f]+$")


def is_breadcrumb(text: str) -> bool:
    """A path of the site's sections (`首页 > 政务公开 > 工作报告`)."""
    parts = [p for p in _BREADCRUMB_SEPARATOR.split(text) if p]
    if _BREADCRUMB_START.match(text) and (len(parts) >= 2 or len(text) <= 12):
        return True
    return len(parts) >= 3 and all(len(p) <= 16 for p in parts) and not _sentence(text)


def is_widget(text: str) -> bool:
    """A button or widget label: 字号：大 中 小, 【打印本页】【关闭窗口】, 分享到：微信."""
    if _WIDGET_SIZES.search(text) and len(text) <= 30:
        return True
    return bool(_WIDGET.match(text)) and len(text) <= 40 and not _sentence(text)


def is_footer(text: str) -> bool:
    """A line of the site's footer: who runs it, its ICP number, its address."""
    return bool(_FOOTER.search(text)) and len(text) <= 160


def is_menu(text: str) -> bool:
    """A row of menu labels (`首页 政务公开 互动交流`), or a lone Latin word (`Menu`)."""
    if _ASCII_ONLY.match(text) and len(text) <= 30 and not re.search(r"\d{3,}", text):
        return True
    words = text.split()
    return len(words) >= 3 and all(_MENU_WORD.match(w) for w in words)


def is_today_line(text: str) -> bool:
    """The date-of-today line some portals print above every page."""
    return bool(_TODAY.search(text)) and len(text) <= 40


def is_site_line(text: str) -> bool:
    """A line naming the site (`XX市人民政府门户网站 www.…`)."""
    return bool(_SITE.search(text)) and len(text) <= 80 and not _sentence(text)


_RULE_ROW = re.compile(r"^[|｜:：\-—\s]+$")


def is_furniture(text: str) -> bool:
    """Whether a line is page furniture rather than part of the report."""
    return (
        bool(_RULE_ROW.match(text))  # a table's ruling, left as text (|---|---|)
        or is_today_line(text)
        or is_breadcrumb(text)
        or is_widget(text)
        or is_footer(text)
        or is_menu(text)
        or is_site_line(text)
    )


def _sentence(text: str) -> bool:
    return bool(re.search(r"[。！？；]", text))
