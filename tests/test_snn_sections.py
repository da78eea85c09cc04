"""URL -> newspaper section for SaudiNewsNet (self-written URLs, one per rule, plus URLs without a section)."""
import pytest

from arnews_ds.sources.snn_sections import RULES, SECTION_NOTES, url_section


@pytest.mark.parametrize(
    ("outlet", "url", "section"),
    [
        # alwatan: News_Detail pages carry the section in the first path segment
        ("alwatan", "http://www.alwatan.com.sa/Politics/News_Detail.aspx?ArticleID=1&CategoryID=1", "Politics"),
        ("alwatan", "http://alwatan.com.sa/Citizen_Journalist/News_Detail.aspx?ArticleID=2&CategoryID=9",
         "Citizen_Journalist"),
        # alwatan: opinion columns
        ("alwatan", "http://www.alwatan.com.sa/Articles/Detail.aspx?ArticleID=3", "Articles"),
        # 3alyoum: one- and two-level sections, Arabic (raw or percent-encoded) sub-sections
        ("3alyoum", "http://www.3alyoum.com/news/a/some-slug/", "news"),
        ("3alyoum", "http://www.3alyoum.com/news/local/a/some-slug/", "news/local"),
        ("3alyoum", "http://www.3alyoum.com/technology/xgame/a/slug", "technology/xgame"),
        ("3alyoum", "http://www.3alyoum.com/finance/أسواق-النفط/a/عنوان/", "finance/أسواق-النفط"),
        ("3alyoum", "http://www.3alyoum.com/finance/%D8%B3%D9%88%D9%82/a/x/", "finance/سوق"),
        # al-jazirah: opaque page code before the running number
        ("aljazirah", "http://www.al-jazirah.com/2015/20150721/ln12.htm", "ln"),
        ("aljazirah", "http://al-jazirah.com/2015/20150807/av3.htm", "av"),
    ],
)
def test_url_section(outlet, url, section):
    assert url_section(outlet, url) == section


@pytest.mark.parametrize(
    ("outlet", "url"),
    [
        ("okaz", "http://www.okaz.com.sa/new/Issues/20150720/Con20150720784687.htm"),  # constant `Con` prefix
        ("aawsat", "http://aawsat.com/home/article/410826/slug"),
        ("alriyadh", "http://www.alriyadh.com/1066713"),
        ("sabq", "http://sabq.org/LmuGHe"),
        ("aleqtisadiya", "http://www.aleqt.com/2015/07/20/article_974922.html"),
        ("3alyoum", "http://www.3alyoum.com/site/a/feeds/"),  # the RSS listing page, not a section
        ("3alyoum", "http://www.3alyoum.com/"),
        ("alwatan", "http://www.alwatan.com.sa/Default.aspx"),
        ("aljazirah", "http://www.al-jazirah.com/2015/20150721/index.htm"),
        ("alwatan", ""),
    ],
)
def test_no_section(outlet, url):
    assert url_section(outlet, url) is None


def test_rule_on_wrong_outlet_does_not_apply():
    assert url_section("okaz", "http://www.alwatan.com.sa/Politics/News_Detail.aspx?ArticleID=1") is None


def test_notes_name_known_outlets():
    assert all(outlet in RULES and text for (outlet, _), text in SECTION_NOTES.items())
    assert SECTION_NOTES[("aljazirah", "ln")] == "local news"
