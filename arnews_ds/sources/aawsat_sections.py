"""Section names of aawsat.com as printed in front of a related card's caption (pure data, one name per entry).

Related cards print `<section> <caption>` on one line; `aawsat_pages` splits them by the longest section name
that is a prefix of the line followed by one space. Add a name here when a dump shows a section we lack; names
that are prefixes of other names (`العالم` / `العالم العربي`, `رياضة` / `رياضة عربية`) are fine.
"""
from __future__ import annotations

SECTIONS: tuple[str, ...] = (
    # news
    "أخبار",
    "العالم العربي",
    "الخليج",
    "المشرق العربي",
    "شمال أفريقيا",
    "العالم",
    "أوروبا",
    "أميركا",
    "آسيا",
    "أفريقيا",
    "حصاد الأسبوع",
    "تحقيقات وقضايا",
    "حوارات",
    "خاص",
    # opinion
    "الرأي",
    "كتّاب",
    # economy and sport
    "اقتصاد",
    "رياضة",
    "رياضة عربية",
    "رياضة عالمية",
    "كرة القدم",
    # culture and life
    "ثقافة وفنون",
    "كتب",
    "سينما",
    "موسيقى",
    "مسرح",
    "تشكيل",
    "يوميات الشرق",
    "منوعات",
    "سفر وسياحة",
    "مذاقات",
    "عالم الموضة",
    "صحتك",
    "علوم",
    "بيئة",
    "تكنولوجيا",
    "إعلام",
)
