"""Cleaning (DESIGN §5) and ids (DESIGN §3) on self-written strings."""
import hashlib

from arnews_ds.ids import article_id, canonical_url
from arnews_ds.text import clean_body, clean_line, clean_text, normalize_for_model


def test_clean_text_removes_invisibles_and_normalizes_spaces():
    raw = "\ufeffمرحـــبا\u00a0\u00a0بالعالم\u200f\u200b\r\nسطر\u202bثان\u202c\r"
    assert clean_text(raw) == "مرحبا بالعالم\nسطرثان"


def test_clean_text_is_nfc_and_keeps_diacritics():
    decomposed = "e\u0301"  # é as e + combining acute
    assert clean_text(decomposed) == "\u00e9"
    assert clean_line("كَتَبَ") == "كَتَبَ"


def test_clean_body_joins_paragraphs_with_single_newlines():
    assert clean_body("  فقرة أولى \n\n\n فقرة  ثانية\r\n") == "فقرة أولى\nفقرة ثانية"
    assert clean_body(" \u200b \n\u00a0") == ""


def test_clean_line_collapses_newlines():
    assert clean_line("عنوان\nطويل\t جدا") == "عنوان طويل جدا"


def test_normalize_for_model_folds_letters():
    assert normalize_for_model("أحمد إلى آخر مدرسةٌ") == "احمد الي اخر مدرسه"


def test_canonical_url_equivalences():
    assert canonical_url("http://www.x.com/a/") == canonical_url("https://x.com/a") == "x.com/a"
    assert canonical_url("HTTP://WWW.X.COM/a#frag") == "x.com/a"
    assert canonical_url("http://x.com/%D8%AE%D8%A8%D8%B1?id=3") == "x.com/خبر?id=3"


def test_article_id_contract():
    key = "x.com/خبر"
    expected = hashlib.blake2b(f"sabq\x1f{key}".encode(), digest_size=8).hexdigest()
    assert article_id("sabq", "https://www.x.com/%D8%AE%D8%A8%D8%B1/") == expected
    assert len(expected) == 16 and expected == expected.lower()
    # Without a URL the key is the cleaned title; the outlet always enters the id.
    assert article_id("aawsat", None, "عنوان\u00a0 الخبر") == article_id("aawsat", "", "عنوان الخبر")
    assert article_id("aawsat", None, "عنوان") != article_id("okaz", None, "عنوان")


def test_fast_url_split_agrees_with_urlsplit():
    from arnews_ds.ids import _split_general, _split_plain

    urls = ["http://www.X.com/a/b?q=1#f", "https://x.com", "https://x.com?only=query", "http://x.com/%D8%AE/",
            "http://x.com/a#frag?no", "http://sabq.org/uxCgde", "http://x.com/a?b=c?d", "HTTPS://WWW.x.COM/A"]
    for url in urls:
        assert _split_plain(url) == _split_general(url), url
    for odd in ("http://user@x.com/a", "http://x.com:8080/a", "x.com/a", "http://x.com:bad/a"):
        assert _split_plain(odd) is None
        _split_general(odd)  # never raises, even on a malformed port
