"""A tiny self-written raw mirror in the three real layouts (SYNTHETIC text, no upstream content).

Used by the fixture build tests: SaudiNewsNet zips, an ANT v2.1 tarball, an Asharq Al-Awsat page dump.
"""
from __future__ import annotations

import io
import json
import shutil
import tarfile
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

SUBJECTS = ["الوزير", "المدرب", "رئيس البلدية", "مدير الشركة", "الفنان", "الباحث", "اللاعب", "المحافظ"]
VERBS = ["أعلن", "أكد", "نفى", "ناقش", "افتتح", "زار", "انتقد", "دعم"]
OBJECTS = ["المشروع الجديد", "خطة الموسم", "الميزانية السنوية", "المهرجان الصيفي", "الاتفاق التجاري",
           "الملعب الكبير", "برنامج التدريب", "المعرض الدولي", "قانون السير", "مستشفى المدينة"]
CITIES = ["الرياض", "جدة", "تونس", "القاهرة", "دبي", "لندن", "الدمام", "مكة"]


def body(i: int, n: int = 4) -> str:
    """n distinct sentences for article i; every sentence carries i so articles never look like copies."""
    out = []
    for k in range(n):
        j = i * n + k
        out.append(f"{VERBS[j % 8]} {SUBJECTS[(j // 8) % 8]} {OBJECTS[(j * 7) % 10]} في {CITIES[(j * 3) % 8]} "
                   f"يوم {i + 1} من الشهر، وقال إن الخطوة رقم {j} تأتي ضمن سلسلة خطوات متتابعة.")
    return "\n".join(out)


def snn_records(day: str, start: int) -> list[dict]:
    recs = []
    for k in range(10):
        i = start + k
        section = "Politics" if k % 2 else "Sports"
        if k < 6:
            url = f"http://www.alwatan.com.sa/{section}/News_Detail.aspx?ArticleID={1000 + i}"
            source = "alwatan"
        else:
            url = f"http://sabq.org/x{i}Cgde"
            source = "sabq"
        recs.append({"source": source, "url": url, "date_extracted": f"{day} 0{k}:15:00",
                     "title": f"عنوان تجريبي رقم {i} عن {OBJECTS[i % 10]}", "author": "الرياض: محمد التجريبي",
                     "content": body(i)})
    return recs


def write_snn(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    days = ["2015-07-21", "2015-07-22", "2015-07-23", "2015-07-24"]
    for n, day in enumerate(days):
        recs = snn_records(day, n * 10)
        if n == 0:
            recs.append({**recs[0], "url": recs[0]["url"] + "&copy=1"})  # exact copy under another URL
            recs.append({**recs[1], "url": "http://sabq.org/empty", "source": "sabq", "content": "  "})  # empty body
        with zipfile.ZipFile(folder / f"{day}.zip", "w") as z:
            z.writestr(f"{day}.json", json.dumps(recs, ensure_ascii=False))


ANT_TOP = "antcorpus.multisource.data-0000000000000000000000000000000000000000"


def ant_doc(i: int, category: str, day: int, url_id: int | None = None) -> str:
    return (f"<DOC>\n<DOCNO>BB-{category}-{i}</DOCNO>\n<URL>http://www.bbc.com/arabic/{category}-{url_id or i}</URL>\n"
            f"<SRC>BBC</SRC>\n<CAT>{category}</CAT>\n<TITLE>خبر اختبار {i} في قسم {category}</TITLE>\n"
            f"<TIME>2018-03-{day:02d}T10:00:00+00:00</TIME>\n<AUTHOR></AUTHOR>\n<ABSTRACT>\nملخص الخبر {i}\n</ABSTRACT>\n"
            f"<TEXT>\n{body(100 + i)}\n</TEXT>\n</DOC>\n")


def write_ant(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    members = {f"{ANT_TOP}/README.md": "synthetic fixture\n"}
    for i in range(24):
        category = "sport" if i % 2 else "economy"
        members[f"{ANT_TOP}/BBC/{category}/BB-{category}-{i}.txt"] = ant_doc(i, category, 1 + i)
    # The same URL filed a second time under the other category: one article with both categories.
    members[f"{ANT_TOP}/BBC/sport/BB-sport-dup.txt"] = ant_doc(0, "sport", 1, url_id=0).replace("sport-0", "economy-0")
    with tarfile.open(folder / f"{ANT_TOP}.tar.gz", "w:gz") as t:
        for name, text in sorted(members.items()):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            t.addfile(info, io.BytesIO(data))


def write_raw(root: Path) -> Path:
    write_snn(root / "saudinewsnet")
    write_ant(root / "antcorpus")
    (root / "aawsat-pages").mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "aawsat_pages" / "two_pages.txt", root / "aawsat-pages" / "000_fixture.txt")
    return root


def write_lock(raw: Path) -> Path:
    """A lock pinning every file of a synthetic raw folder (builds read only locked files), next to the folder."""
    from arnews_ds.lock import dump_lock, make_lock

    path = raw.parent / f"{raw.name}.lock.json"
    dump_lock(make_lock(raw), path)
    return path
